package dev.flux.cli;

import dev.flux.client.config.AgentConfig;
import dev.flux.client.config.AgentConfigLoader;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fluxctl config ...}: the agent configuration file. */
@Command(name = "config", description = "Work with the agent configuration file.",
        subcommands = ConfigCommand.Verify.class)
final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** {@code fluxctl config verify}: the checks {@code up} makes before it connects, and nothing else. */
    @Command(name = "verify", description = {
        "Check a configuration file without connecting to the node.",
        "Prints every problem with its key path (exit code 2), or a summary of the tunnels."})
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigFileOption config;

        @Override
        public Integer call() {
            // An invalid file throws ConfigException, which ExitCodes prints (every problem) and maps to 2.
            AgentConfig loaded = AgentConfigLoader.load(config.file);
            int n = loaded.tunnels().size();
            String tunnels = loaded.tunnels().stream()
                    .map(t -> t.name() + " (" + t.type() + ")")
                    .collect(Collectors.joining(", "));
            spec.commandLine().getOut().println(
                    config.file + ": OK (" + n + (n == 1 ? " tunnel: " : " tunnels: ") + tunnels + ")");
            return ExitCodes.OK;
        }
    }
}
