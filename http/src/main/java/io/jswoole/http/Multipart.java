package io.jswoole.http;

import io.jswoole.log.Log;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A multipart/form-data body being decoded as it streams in (Netty's {@link HttpPostRequestDecoder}): fields in
 * memory, file parts on disk in {@code upload_tmp_dir}. The files it hands over are the request's to remove.
 */
final class Multipart {
    private final UploadFactory factory;
    private final Path dir;
    private final HttpPostRequestDecoder decoder;
    private final Map<String, String> fields = new LinkedHashMap<>();
    private final Map<String, UploadedFile> files = new LinkedHashMap<>();

    Multipart(HttpConfig cfg, HttpRequest req) {
        factory = new UploadFactory(cfg);
        dir = cfg.uploadTmpDir();
        decoder = new HttpPostRequestDecoder(factory, req);
    }

    /** Feeds a piece of the body; null, or why the body is refused ("413 ..." when it is too large). */
    String offer(HttpContent c) {
        try {
            decoder.offer(c);
            while (hasNext()) {
                take(decoder.next()); // the decoder owns the data and releases it in destroy()
            }
            return null;
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
            return (e.getCause() instanceof IOException ? "413 " : "") + "bad multipart body: " + e.getMessage();
        } catch (IOException e) {
            return "413 multipart part: " + e.getMessage();
        } catch (RuntimeException e) {
            return "bad multipart body: " + e;
        }
    }

    private boolean hasNext() {
        try {
            return decoder.hasNext();
        } catch (HttpPostRequestDecoder.EndOfDataDecoderException e) {
            return false;
        }
    }

    private void take(InterfaceHttpData d) throws IOException {
        if (d instanceof FileUpload f) {
            if (!f.isCompleted()) {
                return;
            }
            if (f.getFilename().isEmpty() && f.length() == 0) {
                // UPLOAD_ERR_NO_FILE: a file field sent without a file; as in Swoole, no name, type or temporary
                // file (swoole_http_server/upload_file_empty.phpt)
                files.put(f.getName(), new UploadedFile("", "", UploadedFile.NO_FILE, 4, 0));
                return;
            }
            Path tmp = Files.createTempFile(dir, "jswoole.upfile.", "");
            if (f.isInMemory()) {
                Files.write(tmp, f.get());
            } else if (!f.renameTo(tmp.toFile())) {
                throw new IOException("cannot move the upload to " + tmp);
            }
            files.put(f.getName(), new UploadedFile(f.getFilename(), f.getContentType(), tmp, 0, f.length()));
        } else if (d instanceof Attribute a) {
            fields.put(a.getName(), a.getValue());
        }
    }

    Map<String, String> fields() {
        return fields;
    }

    Map<String, UploadedFile> files() {
        return files;
    }

    /** Done with the decoder; the files handed over stay. */
    void close() {
        try {
            decoder.destroy();
        } catch (RuntimeException e) {
            Log.debug("multipart cleanup: " + e);
        }
    }

    /** Abandoned mid-body: everything it wrote goes. */
    void destroy() {
        close();
        deleteFiles(files);
        files.clear();
    }

    static void deleteFiles(Map<String, UploadedFile> files) {
        for (UploadedFile f : files.values()) {
            if (f.tmpName().equals(UploadedFile.NO_FILE)) {
                continue;
            }
            try {
                Files.deleteIfExists(f.tmpName());
            } catch (IOException e) {
                Log.warning("cannot remove upload " + f.tmpName() + ": " + e);
            }
        }
    }
}
