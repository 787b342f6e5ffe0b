package dev.flux.cli;

import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.controlplane.ControlPlaneClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tunnel rm|enable|disable NAME}: one change on the control plane, then a word to the local agent. */
abstract class TunnelChangeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigDirOption configDir;

    @Parameters(paramLabel = "NAME", description = "The tunnel's name (or id).")
    String name;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "" + LocalAdminClient.DEFAULT_PORT,
            description = "Port of the local agent's admin API (default: ${DEFAULT-VALUE}); 0: do not notify it.")
    int adminPort;

    /** Makes the change. */
    abstract void apply(ControlPlaneClient client);

    /** What happened, for {@code tunnel NAME <past>}. */
    abstract String past();

    /** Whether the tunnel needs an agent now (so a missing one is worth a word). */
    abstract boolean needsAgent();

    @Override
    public Integer call() {
        UpCommand.checkAdminPort(spec, adminPort);
        apply(TunnelCommand.client(configDir.require()));
        PrintWriter out = spec.commandLine().getOut();
        out.println("tunnel " + name + " " + past());
        TunnelCommand.pokeAgent(out, adminPort, needsAgent());
        out.flush();
        return ExitCodes.OK;
    }

    @picocli.CommandLine.Command(name = "rm", aliases = "remove",
            description = "Remove a tunnel (addresses you reserved stay reserved).")
    static final class Remove extends TunnelChangeCommand {
        @Override
        void apply(ControlPlaneClient client) {
            client.deleteTunnel(name);
        }

        @Override
        String past() {
            return "removed";
        }

        @Override
        boolean needsAgent() {
            return false;
        }
    }

    @picocli.CommandLine.Command(name = "enable", description = "Enable a disabled tunnel: agents serve it again.")
    static final class Enable extends TunnelChangeCommand {
        @Override
        void apply(ControlPlaneClient client) {
            client.setTunnelEnabled(name, true);
        }

        @Override
        String past() {
            return "enabled";
        }

        @Override
        boolean needsAgent() {
            return true;
        }
    }

    @picocli.CommandLine.Command(name = "disable",
            description = "Disable a tunnel: agents stop serving it, its addresses stay yours.")
    static final class Disable extends TunnelChangeCommand {
        @Override
        void apply(ControlPlaneClient client) {
            client.setTunnelEnabled(name, false);
        }

        @Override
        String past() {
            return "disabled";
        }

        @Override
        boolean needsAgent() {
            return false;
        }
    }
}
