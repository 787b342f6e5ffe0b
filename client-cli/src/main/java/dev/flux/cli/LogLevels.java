package dev.flux.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Switches the logging set up by {@code logback.xml} to what {@code --verbose} promises. */
final class LogLevels {

    private static final String APPENDER = "STDERR";
    private static final String VERBOSE_PATTERN = "%d{HH:mm:ss} %-5level %msg%n";

    private LogLevels() {
    }

    /** The agent's INFO messages, and the stack traces of logged exceptions, go to stderr from now on. */
    static void verbose() {
        Logger flux = LoggerFactory.getLogger("dev.flux");
        if (!(flux instanceof ch.qos.logback.classic.Logger logback)) {
            return; // another SLF4J backend (an embedding application's) decides for itself
        }
        logback.setLevel(Level.INFO);
        LoggerContext context = logback.getLoggerContext();
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
        if (appender instanceof OutputStreamAppender<ILoggingEvent> stderr) {
            PatternLayoutEncoder withStacks = new PatternLayoutEncoder();
            withStacks.setContext(context);
            withStacks.setPattern(VERBOSE_PATTERN);
            withStacks.start();
            stderr.setEncoder(withStacks);
        }
    }
}
