package dev.flux.client.inspect;

import dev.flux.client.wechat.WeChatConfig;
import java.util.Map;

/**
 * The inspector's part of {@code flux.toml}: the top-level {@code inspect} table and each http tunnel's
 * {@code wechat} table.
 *
 * @param settings how much traffic is kept
 * @param wechat   the WeChat mode of each tunnel that has one, by tunnel name
 */
public record InspectionConfig(InspectSettings settings, Map<String, WeChatConfig> wechat) {

    public static final InspectionConfig DEFAULT = new InspectionConfig(InspectSettings.DEFAULT, Map.of());

    public InspectionConfig {
        wechat = Map.copyOf(wechat);
    }
}
