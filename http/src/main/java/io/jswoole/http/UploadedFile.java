package io.jswoole.http;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One uploaded file of a multipart request ({@code $request->files['field']}): the name the client gave, its
 * content type, the temporary file it was written to (in {@code upload_tmp_dir}, removed after the request unless
 * moved), Swoole's error code (0: {@code UPLOAD_ERR_OK}; 4: {@code UPLOAD_ERR_NO_FILE}, a file field without a
 * file, whose name, type and {@code tmpName} are empty) and its size in bytes.
 */
public record UploadedFile(String name, String type, Path tmpName, int error, long size) {
    /** The {@code tmp_name} of a field sent without a file (error 4, UPLOAD_ERR_NO_FILE): the empty path. */
    public static final Path NO_FILE = Path.of("");

    /** Swoole's array shape: name, type, tmp_name, error, size. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type);
        m.put("tmp_name", tmpName.toString());
        m.put("error", error);
        m.put("size", size);
        return m;
    }
}
