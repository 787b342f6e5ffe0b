package dev.flux.cli;

import dev.flux.protocol.FluxVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fluxctl version}, also behind {@code fluxctl --version}. */
@Command(name = "version", description = "Print the version of fluxctl and of the protocol it speaks.")
final class VersionCommand implements Callable<Integer>, IVersionProvider {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(line());
        return ExitCodes.OK;
    }

    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    private static String line() {
        return "fluxctl " + FluxVersion.product() + " (protocol " + FluxVersion.PROTOCOL + ")";
    }
}
