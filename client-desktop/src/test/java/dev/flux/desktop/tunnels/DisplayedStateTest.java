package dev.flux.desktop.tunnels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.TunnelState;
import dev.flux.client.TunnelStatus;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.desktop.Messages;
import dev.flux.desktop.tunnels.DisplayedState.Kind;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class DisplayedStateTest {

    private final Messages en = new Messages(Locale.ENGLISH);

    @Test
    void statesInWords() {
        assertThat(of(remote(true), local(TunnelState.READY, null), null, 0))
                .isEqualTo(new DisplayedState(Kind.ONLINE, "online"));
        assertThat(of(remote(true), null, null, 0)).isEqualTo(new DisplayedState(Kind.CONNECTING, "connecting"));
        assertThat(of(remote(true), local(TunnelState.RECONNECTING, null), null, 2_100))
                .isEqualTo(new DisplayedState(Kind.RECONNECTING, "reconnecting in 3 s"));
        assertThat(of(remote(true), local(TunnelState.RECONNECTING, null), null, 0))
                .isEqualTo(new DisplayedState(Kind.RECONNECTING, "reconnecting"));
        assertThat(of(remote(true), local(TunnelState.REJECTED, "subdomain 'wx' is taken"), null, 0))
                .isEqualTo(new DisplayedState(Kind.ERROR, "error: subdomain 'wx' is taken"));
        assertThat(of(remote(false), local(TunnelState.READY, null), null, 0))
                .isEqualTo(new DisplayedState(Kind.OFF, "off"));
        assertThat(of(remote(true), local(TunnelState.READY, null), "the token was rejected", 0))
                .isEqualTo(new DisplayedState(Kind.ERROR, "error: the token was rejected"));
    }

    @Test
    void inChinese() {
        Messages zh = new Messages(Locale.SIMPLIFIED_CHINESE);
        assertThat(DisplayedState.of(remote(true), local(TunnelState.READY, null), null, 0, zh).text())
                .isEqualTo("在线");
    }

    @Test
    void trafficIsSampledAsBytesPerSecond() {
        TunnelRow row = new TunnelRow("web");
        row.sample(0, 0, 0);
        row.sample(1000, 1000, 1.0);
        row.sample(1000, 1000, 1.0);
        assertThat(row.traffic()).containsExactly(0.0, 2000.0, 0.0);
        for (int i = 0; i < 100; i++) {
            row.sample(1000, 1000, 1.0);
        }
        assertThat(row.traffic()).hasSize(TunnelRow.HISTORY);
    }

    @Test
    void qrCodeEncodesTheUrl() throws Exception {
        var matrix = QrCode.matrix("http://wx.tunnel.test:8080");
        var source = new com.google.zxing.LuminanceSource(matrix.getWidth(), matrix.getHeight()) {
            @Override
            public byte[] getRow(int y, byte[] row) {
                byte[] r = new byte[getWidth()];
                for (int x = 0; x < getWidth(); x++) {
                    r[x] = (byte) (matrix.get(x, y) ? 0 : 255);
                }
                return r;
            }

            @Override
            public byte[] getMatrix() {
                byte[] all = new byte[getWidth() * getHeight()];
                for (int y = 0; y < getHeight(); y++) {
                    System.arraycopy(getRow(y, null), 0, all, y * getWidth(), getWidth());
                }
                return all;
            }
        };
        var decoded = new com.google.zxing.qrcode.QRCodeReader().decode(new com.google.zxing.BinaryBitmap(
                new com.google.zxing.common.HybridBinarizer(source)),
                java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE));
        assertThat(decoded.getText()).isEqualTo("http://wx.tunnel.test:8080");
    }

    private DisplayedState of(RemoteTunnel r, TunnelStatus s, String failure, long reconnect) {
        return DisplayedState.of(r, s, failure, reconnect, en);
    }

    private static RemoteTunnel remote(boolean enabled) {
        return new RemoteTunnel(1L, "web", "http", "localhost:8080", "web", null, null, null, enabled,
                "http://web.tunnel.test", null, null, null, null, null, null);
    }

    private static TunnelStatus local(TunnelState state, String error) {
        return new TunnelStatus("web", "http", "localhost:8080", state, List.of(), error, 0, 0, 0);
    }
}
