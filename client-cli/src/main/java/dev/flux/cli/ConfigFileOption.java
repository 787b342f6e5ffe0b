package dev.flux.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code -c/--config} option of the commands that read an agent configuration file. */
final class ConfigFileOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:FLUX_CONFIG:-flux.toml}",
            description = "Agent configuration file. Default: $FLUX_CONFIG if set, else flux.toml in the current "
                    + "directory (here: ${DEFAULT-VALUE}).")
    Path file;
}
