package dev.flux.protocol.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesOwnerOnlyAndReplacesInOneStep() throws Exception {
        Path file = dir.resolve("a/b/secret.toml");
        PrivateFiles.write(file, "token = \"one\"\n");
        PrivateFiles.write(file, "token = \"two\"\n");
        assertThat(Files.readString(file)).isEqualTo("token = \"two\"\n");
        assertThat(dir.resolve("a/b/secret.toml.tmp")).doesNotExist();
        assumeTrue(PrivateFiles.posix(), "POSIX permissions are not supported by this file system");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))))
                .isEqualTo("rwx------");
    }
}
