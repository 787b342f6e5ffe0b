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

/** {@code fluxctl tunnel disable NAME}. */
@Command(name = "disable", description = "Disable a tunnel: agents stop serving it, its addresses stay yours.")
final class TunnelDisableCommand implements Callable<Integer> {

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
        TunnelCommand.client(configDir.require()).setTunnelEnabled(name, false);
        PrintWriter out = spec.commandLine().getOut();
        out.println("tunnel " + name + " disabled");
        TunnelCommand.pokeAgent(out, adminPort, false);
        out.flush();
        return ExitCodes.OK;
    }
}
