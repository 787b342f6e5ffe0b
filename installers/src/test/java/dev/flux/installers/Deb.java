package dev.flux.installers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A .deb read with dpkg-deb: its control fields, its file list, its files extracted into a throw-away root. */
final class Deb {

    private static final Pattern FIELD = Pattern.compile("^ ([A-Za-z-]+): (.*)$", Pattern.MULTILINE);

    final Path file;
    final String info;
    final List<String> contents;

    private Deb(Path file, String info, List<String> contents) {
        this.file = file;
        this.info = info;
        this.contents = contents;
    }

    /**
     * The package the build made, read and checked for the control fields all of ours have; skipped, saying why,
     * when the build skipped it or dpkg-deb is missing.
     */
    static Deb built(String packageName, String skipKey) {
        Packages.requireTool("dpkg-deb", "it reads the .deb");
        Deb deb = read(Packages.require(skipKey, Packages.deb(packageName)));
        deb.assertWellFormed(packageName);
        return deb;
    }

    /** Reads {@code file}: dpkg-deb must accept it (--info and --contents both exit 0). */
    static Deb read(Path file) {
        String info = Proc.ok("dpkg-deb", "--info", file.toString());
        // --contents lines end with the path, "./usr/bin/fluxctl -> ../lib/fluxctl/bin/fluxctl" for a link
        List<String> contents = Arrays.stream(Proc.ok("dpkg-deb", "--contents", file.toString()).split("\n"))
                .filter(line -> !line.isBlank())
                .map(line -> line.substring(line.indexOf("./") + 1))
                .toList();
        return new Deb(file, info, contents);
    }

    String field(String name) {
        Matcher m = FIELD.matcher(info);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        throw new AssertionError("no " + name + " field in " + file + ":\n" + info);
    }

    /** The control fields every package of ours has. */
    private void assertWellFormed(String packageName) {
        assertThat(field("Package")).isEqualTo(packageName);
        assertThat(field("Version")).isEqualTo(Packages.debVersion());
        assertThat(field("Architecture")).isEqualTo(Packages.arch());
        assertThat(field("Maintainer")).isNotBlank();
        assertThat(Integer.parseInt(field("Installed-Size"))).isPositive();
        assertThat(field("Description")).isNotBlank();
    }

    void assertContains(String... paths) {
        assertThat(contents).as("files of %s", file.getFileName()).contains(paths);
    }

    /** Extracts the files (not the maintainer scripts) into {@code root}. */
    Path extract(Path root) {
        Proc.ok("dpkg-deb", "-x", file.toString(), root.toString());
        return root;
    }

    /** Extracts DEBIAN/ (control, conffiles, maintainer scripts) into {@code dir}. */
    Path control(Path dir) {
        Proc.ok("dpkg-deb", "-e", file.toString(), dir.toString());
        return dir;
    }
}
