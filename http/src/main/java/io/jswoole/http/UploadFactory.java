package io.jswoole.http;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.MemoryAttribute;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Where multipart parts go while a request streams in: file parts to disk in {@code upload_tmp_dir} (so large
 * uploads never sit in memory), form fields in memory, each capped ({@code upload_max_filesize} for files when
 * set, else {@code package_max_length}; fields by {@code package_max_length}).
 */
final class UploadFactory extends DefaultHttpDataFactory {
    private final long fieldMax;

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
        try {
            MemoryAttribute a = new MemoryAttribute(name, StandardCharsets.UTF_8);
            a.setMaxSize(fieldMax);
            a.setValue(value);
            return a;
        } catch (IOException e) {
            throw new IllegalArgumentException("form field '" + name + "' too large", e);
        }
    }
}
