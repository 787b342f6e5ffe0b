package dev.flux.client.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class AgentServiceTest {

    private static final Path WORK = Path.of("/home/alice/.config/flux");
    private static final Path LOG = Path.of("/home/alice/Library/Logs/flux-agent.log");

    @Test
    void systemdUnitRunsTheCommandInItsDirectoryAndRestartsOnlyWhatARestartCanFix() {
        AgentService service = new AgentService(List.of("/opt/flux/bin/fluxctl", "up", "--config-dir",
                WORK.toString()), WORK, LOG);

        String unit = service.systemdUnit();

        assertThat(unit).startsWith("[Unit]\n")
                .contains("\n[Service]\nType=simple\n")
                .contains("\nWorkingDirectory=/home/alice/.config/flux\n")
                .contains("\nExecStart=/opt/flux/bin/fluxctl up --config-dir /home/alice/.config/flux\n")
                .contains("\nRestart=on-failure\n")
                .contains("\nRestartPreventExitStatus=2 3 4\n")
                .contains("\nAfter=network-online.target\n")
                .endsWith("[Install]\nWantedBy=default.target\n");
    }

    @Test
    void systemdWordsWithSpacesQuotesOrSpecifiersAreEscaped() {
        AgentService service = new AgentService(List.of("/opt/My Apps/java", "-jar", "/srv/100%/fluxctl.jar", "up",
                "-c", "/home/a\"b/$HOME.toml"), Path.of("/home/a b"), LOG);

        assertThat(service.systemdUnit())
                .contains("\nWorkingDirectory=\"/home/a b\"\n")
                .contains("\nExecStart=\"/opt/My Apps/java\" -jar /srv/100%%/fluxctl.jar up -c "
                        + "\"/home/a\\\"b/$$HOME.toml\"\n");
        assertThat(AgentService.systemdWord("C:\\x")).isEqualTo("\"C:\\\\x\"");
        assertThat(AgentService.systemdWord("")).isEqualTo("\"\"");
    }

    @Test
    void launchdPlistIsAWellFormedPropertyListWithTheCommandAsItsArguments() throws Exception {
        List<String> command = List.of("/Applications/FLUX Gateway.app/bin/fluxctl", "up", "-c", "/Users/a&b/flux.toml");
        AgentService service = new AgentService(command, Path.of("/Users/a&b"), LOG);

        String plist = service.launchdPlist();

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // The DOCTYPE names Apple's DTD: never fetch it.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(plist.getBytes(StandardCharsets.UTF_8)));
        Element dict = (Element) doc.getDocumentElement().getElementsByTagName("dict").item(0);
        assertThat(valueAfter(dict, "Label").getTextContent()).isEqualTo("dev.flux.agent");
        NodeList args = valueAfter(dict, "ProgramArguments").getElementsByTagName("string");
        List<String> parsed = new ArrayList<>();
        for (int i = 0; i < args.getLength(); i++) {
            parsed.add(args.item(i).getTextContent());
        }
        assertThat(parsed).isEqualTo(command);
        assertThat(valueAfter(dict, "WorkingDirectory").getTextContent()).isEqualTo("/Users/a&b");
        assertThat(valueAfter(dict, "RunAtLoad").getTagName()).isEqualTo("true");
        assertThat(valueAfter(dict, "StandardOutPath").getTextContent()).isEqualTo(LOG.toString());
        assertThat(valueAfter(dict, "StandardErrorPath").getTextContent()).isEqualTo(LOG.toString());
        Element keepAlive = valueAfter(dict, "KeepAlive");
        assertThat(valueAfter(keepAlive, "SuccessfulExit").getTagName()).isEqualTo("false");
    }

    @Test
    void windowsTaskRunsTheCommandAtLogon() {
        AgentService service = new AgentService(List.of("C:\\Program Files\\FLUX\\fluxctl.exe", "up"),
                Path.of("C:\\Users\\a"), LOG);

        assertThat(service.windowsTaskCommand()).isEqualTo("schtasks /Create /SC ONLOGON /RL LIMITED /TN "
                + "\"FLUX Gateway agent\" /TR \"\\\"C:\\Program Files\\FLUX\\fluxctl.exe\\\" up\"");
    }

    @Test
    void anEmptyCommandIsRefused() {
        assertThatThrownBy(() -> new AgentService(List.of(), WORK, LOG))
                .hasMessage("command: [] (expected: the launcher and its arguments)");
    }

    /** The element that follows {@code <key>name</key>} among the dict's children. */
    private static Element valueAfter(Element dict, String name) {
        NodeList children = dict.getChildNodes();
        boolean found = false;
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e) {
                if (found) {
                    return e;
                }
                found = "key".equals(e.getTagName()) && name.equals(e.getTextContent());
            }
        }
        throw new AssertionError("no <key>" + name + "</key> in the plist");
    }
}
