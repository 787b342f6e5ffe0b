package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BrowserTest {

    @Test
    void eachSystemHasItsOpener() {
        assertThat(Browser.command("Windows 11", "http://x/device")).containsExactly("rundll32",
                "url.dll,FileProtocolHandler", "http://x/device");
        assertThat(Browser.command("Mac OS X", "http://x/device")).containsExactly("open", "http://x/device");
    }
}
