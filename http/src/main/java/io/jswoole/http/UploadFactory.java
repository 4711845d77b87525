package io.jswoole.http;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.MemoryAttribute;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Where multipart parts go while a request streams in: file parts to disk in {@code upload_tmp_dir} (so large
 * uploads never sit in memory), form fields in memory, each capped ({@code upload_max_filesize} for files when
 * set, else {@code package_max_length}; fields by {@code package_max_length}).
 *
 * <p>A file part keeps its name as sent, as in Swoole ({@code swoole_http_server/upload4.phpt}: {@code test-+=.jpg}).
 * Netty's decoder hands the factory the {@code filename} parameter as sent (quotes stripped, or decoded from
 * {@code filename*}) and then asks for the file upload with that value "cleaned" ({@code = : , ;} and tab made
 * spaces, {@code "} dropped); the factory keeps the value it saw and names the upload with it.
 */
final class UploadFactory extends DefaultHttpDataFactory {
    private final long fieldMax;
    /** The {@code filename} of the part being decoded, as sent; null when none came since the last upload. */
    private String filename;

    UploadFactory(HttpConfig cfg) {
        super(true, StandardCharsets.UTF_8);
        setBaseDir(cfg.uploadTmpDir().toString());
        setDeleteOnExit(false);
        setMaxLimit(cfg.uploadMaxFilesize() > 0 ? cfg.uploadMaxFilesize() : cfg.packageMaxLength());
        this.fieldMax = cfg.packageMaxLength();
    }

    @Override
    public Attribute createAttribute(HttpRequest request, String name) {
        MemoryAttribute a = new MemoryAttribute(name, StandardCharsets.UTF_8);
        a.setMaxSize(fieldMax);
        return a;
    }

    @Override
    public Attribute createAttribute(HttpRequest request, String name, long definedSize) {
        MemoryAttribute a = new MemoryAttribute(name, definedSize, StandardCharsets.UTF_8);
        a.setMaxSize(fieldMax);
        return a;
    }

    @Override
    public Attribute createAttribute(HttpRequest request, String name, String value) {
        if ("filename".equals(name)) {
            filename = value; // a Content-Disposition parameter; the part's file upload comes next
        }
        try {
            MemoryAttribute a = new MemoryAttribute(name, StandardCharsets.UTF_8);
            a.setMaxSize(fieldMax);
            a.setValue(value);
            return a;
        } catch (IOException e) {
            throw new IllegalArgumentException("form field '" + name + "' too large", e);
        }
    }

    @Override
    public FileUpload createFileUpload(HttpRequest request, String name, String filename, String contentType,
                                       String contentTransferEncoding, Charset charset, long size) {
        String sent = this.filename != null ? this.filename : filename;
        this.filename = null;
        return super.createFileUpload(request, name, sent, contentType, contentTransferEncoding, charset, size);
    }
}
