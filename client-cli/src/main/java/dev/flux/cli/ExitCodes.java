package dev.flux.cli;

import dev.flux.client.AgentException;
import dev.flux.client.controlplane.ControlPlaneException;
import dev.flux.protocol.config.ConfigException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * fluxctl's exit codes, and the one place that turns a failure into a message on stderr and one of them. Commands
 * return {@link #OK} and let every failure propagate here; no stack trace reaches the user unless they asked for
 * one with {@code --verbose}.
 */
final class ExitCodes implements IExecutionExceptionHandler, IExitCodeExceptionMapper, IParameterExceptionHandler {

    /** Done; for {@code up}: stopped with Ctrl-C. */
    static final int OK = 0;
    /** Anything unexpected. */
    static final int RUNTIME_ERROR = 1;
    /** The command line or the configuration file is wrong. */
    static final int USAGE = 2;
    /** The node or the control plane rejected the token, or the login was denied. */
    static final int TOKEN_REJECTED = 3;
    /** The node's certificate is not the one the configuration trusts. */
    static final int NODE_UNTRUSTED = 4;

    /** The exit codes as the help of every command lists them. */
    static Map<String, String> descriptions() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(OK + "", "success (up: stopped by Ctrl-C or SIGTERM)");
        codes.put(RUNTIME_ERROR + "", "runtime error");
        codes.put(USAGE + "", "invalid command line or configuration file");
        codes.put(TOKEN_REJECTED + "", "the node or the control plane rejected the token, or the login was denied");
        codes.put(NODE_UNTRUSTED + "", "the node's certificate is not trusted (fingerprint mismatch)");
        return codes;
    }

    @Override
    public int getExitCode(Throwable failure) {
        if (failure instanceof ParameterException || failure instanceof ConfigException) {
            return USAGE;
        }
        if (failure instanceof CliFailure f) {
            return f.exitCode();
        }
        if (failure instanceof ControlPlaneException e) {
            return e.kind() == ControlPlaneException.Kind.UNAUTHENTICATED ? TOKEN_REJECTED : RUNTIME_ERROR;
        }
        if (failure instanceof AgentException e) {
            return switch (e.kind()) {
                case AUTH_REJECTED -> TOKEN_REJECTED;
                case NODE_UNTRUSTED -> NODE_UNTRUSTED;
                case CONFIG -> USAGE;
            };
        }
        return RUNTIME_ERROR;
    }

    /** A command failed: one message on stderr, the stack only for the unexpected and only with --verbose. */
    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        if (failure instanceof ConfigException e) {
            // Already one "<file>: <key path>: <problem>" line per problem, every problem listed.
            err.println(e.getMessage());
        } else {
            String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            err.println("error: " + message);
            if (failure instanceof ControlPlaneException e && e.kind() == ControlPlaneException.Kind.UNAUTHENTICATED) {
                err.println("Log in again with `fluxctl login`.");
            }
            if (!(failure instanceof AgentException || failure instanceof CliFailure
                    || failure instanceof ControlPlaneException) && verbose(parseResult)) {
                failure.printStackTrace(err);
            }
        }
        err.flush();
        return getExitCode(failure);
    }

    /** The command line is wrong: picocli's message, its suggestions if any, and the usage of that command. */
    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getColorScheme().errorText(failure.getMessage()));
        UnmatchedArgumentException.printSuggestions(failure, err);
        command.usage(err, command.getColorScheme());
        err.flush();
        return getExitCode(failure);
    }

    private static boolean verbose(ParseResult result) {
        if (result.hasMatchedOption("--verbose")) {
            return true;
        }
        return result.subcommands().stream().anyMatch(ExitCodes::verbose);
    }
}
