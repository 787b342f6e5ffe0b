package dev.flux.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system tool ({@code systemctl}, {@code launchctl}, ...) found on the PATH, and collects what it said. */
final class SystemCommand {

    private static final long TIMEOUT_SECONDS = 60;

    private SystemCommand() {
    }

    /** A finished run: its exit code and its stdout and stderr together, trimmed. */
    record Result(int exitCode, String output) {

        boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs the command to its end.
     *
     * @param missingHint what to tell the user when the tool is not installed
     * @throws CliFailure when the tool cannot be started or does not finish within a minute
     */
    static Result run(List<String> command, String missingHint) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect
                    .from(new java.io.File(FluxctlLauncher.isWindows() ? "NUL" : "/dev/null"))).start();
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, "cannot run " + command.get(0) + ": " + e.getMessage()
                    + "; " + missingHint);
        }
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, "cannot read the output of " + String.join(" ", command)
                    + ": " + e.getMessage());
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, String.join(" ", command) + " did not finish within "
                    + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), output);
    }
}
