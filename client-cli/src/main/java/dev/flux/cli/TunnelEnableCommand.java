package dev.flux.cli;

import dev.flux.client.admin.LocalAdminClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fluxctl tunnel enable NAME}. */
@Command(name = "enable", description = "Enable a disabled tunnel: agents serve it again.")
final class TunnelEnableCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigDirOption configDir;

    @Parameters(paramLabel = "NAME", description = "The tunnel's name (or id).")
    String name;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "" + LocalAdminClient.DEFAULT_PORT,
            description = "Port of the local agent's admin API (default: ${DEFAULT-VALUE}); 0: do not notify it.")
    int adminPort;

    @Override
    public Integer call() {
        UpCommand.checkAdminPort(spec, adminPort);
        TunnelCommand.client(configDir.require()).setTunnelEnabled(name, true);
        PrintWriter out = spec.commandLine().getOut();
        out.println("tunnel " + name + " enabled");
        TunnelCommand.pokeAgent(out, adminPort, true);
        out.flush();
        return ExitCodes.OK;
    }
}
