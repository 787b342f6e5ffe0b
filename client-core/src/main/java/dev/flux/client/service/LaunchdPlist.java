package dev.flux.client.service;

import java.util.List;

/**
 * macOS launch agent property lists ({@code ~/Library/LaunchAgents/LABEL.plist}): the one place that writes their
 * XML, for the agent service and the desktop app's start at sign-in.
 */
public final class LaunchdPlist {

    private LaunchdPlist() {
    }

    /**
     * A launch agent that runs {@code programArguments} when the user signs in ({@code RunAtLoad}).
     *
     * @param moreEntries further {@code <key>}/value lines of the top dictionary, indented two spaces (use
     *                    {@link #string} for values); empty for none
     */
    public static String launchAgent(String label, List<String> programArguments, String moreEntries) {
        StringBuilder args = new StringBuilder();
        for (String arg : programArguments) {
            args.append("    ").append(string(arg)).append('\n');
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\""
                + " \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                + "<plist version=\"1.0\">\n"
                + "<dict>\n"
                + "  <key>Label</key>\n"
                + "  " + string(label) + "\n"
                + "  <key>ProgramArguments</key>\n"
                + "  <array>\n"
                + args
                + "  </array>\n"
                + "  <key>RunAtLoad</key>\n"
                + "  <true/>\n"
                + moreEntries
                + "</dict>\n"
                + "</plist>\n";
    }

    /** A {@code <string>} element with {@code text} escaped. */
    public static String string(String text) {
        return "<string>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</string>";
    }
}
