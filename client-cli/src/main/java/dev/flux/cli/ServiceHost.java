package dev.flux.cli;

import dev.flux.client.service.AgentService;
import java.io.PrintWriter;
import java.nio.file.Path;

/** The service manager of this OS, as {@code fluxctl service} drives it for the agent's service. */
interface ServiceHost {

    /** Where the service's definition file goes. */
    Path file();

    /** The definition file's text for the service. */
    String render(AgentService service);

    /** Loads and starts the service whose file was just written (again), and says what happened. */
    void activate(PrintWriter out, boolean linger) throws InterruptedException;

    /** Stops the service and removes its file; fine when it is not installed. */
    void uninstall(PrintWriter out) throws InterruptedException;

    /** Prints whether the service runs, and its last log lines. */
    void status(PrintWriter out, int lines) throws InterruptedException;

    /** Where the agent writes its output, for hosts that do not keep it themselves (launchd). */
    Path logFile();

    static CliFailure notInstalled(Path file) {
        return new CliFailure(ExitCodes.RUNTIME_ERROR, "the agent service is not installed (no " + file
                + "): install it with `fluxctl service install`");
    }
}
