package dev.flux.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether fluxctl's stdout is a terminal that can show a live, redrawn status. */
final class Terminal {

    private Terminal() {
    }

    /** True when stdout is an interactive terminal whose TERM is not "dumb". */
    static boolean isInteractive() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        // From Java 22 on, System.console() is not null when output is redirected; Console.isTerminal() (22+) tells
        // the two apart. This code is compiled for 17, hence the reflection.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 17 to 21: a console exists only for a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
