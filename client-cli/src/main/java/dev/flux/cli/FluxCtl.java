package dev.flux.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code fluxctl}, the command-line client: the root of the command tree and the program's entry point. The only
 * place that ends the JVM; everything below returns an exit code (see {@link ExitCodes}).
 */
@Command(
        name = "fluxctl",
        description = "Expose local services through a FLUX Gateway node.",
        subcommands = {
            UpCommand.class,
            LoginCommand.class,
            LogoutCommand.class,
            WhoamiCommand.class,
            TunnelCommand.class,
            HttpCommand.class,
            InspectCommand.class,
            WeChatCommand.class,
            VisitCommand.class,
            ConfigCommand.class,
            TokenCommand.class,
            ServiceCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
            HelpCommand.class
        },
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.class,
        scope = ScopeType.INHERIT,
        usageHelpAutoWidth = true,
        sortOptions = false)
public final class FluxCtl implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (shutdownInProgress()) {
            // Ctrl-C or SIGTERM: the JVM is already exiting, where System.exit would block forever, and it would exit
            // with the signal's status (130, 143). `up` has closed the agent by now, so end with its status instead.
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    /** The command tree with fluxctl's error handling and exit codes; tests set its writers and execute it. */
    public static CommandLine commandLine() {
        ExitCodes exitCodes = new ExitCodes();
        CommandLine cli = new CommandLine(new FluxCtl())
                .setExecutionExceptionHandler(exitCodes)
                .setExitCodeExceptionMapper(exitCodes)
                .setParameterExceptionHandler(exitCodes);
        documentExitCodes(cli);
        return cli;
    }

    private static void documentExitCodes(CommandLine command) {
        command.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCodes.descriptions());
        command.getSubcommands().values().forEach(FluxCtl::documentExitCodes);
    }

    private static boolean shutdownInProgress() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** {@code fluxctl} alone: say that a command is missing, with the usage. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }
}
