package dev.flux.controlplane.nodeapi;

import dev.flux.controlplane.api.ApiErrorWriter;
import dev.flux.controlplane.node.NodeRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/** {@code /node-api/**}: stateless, for gateway nodes only, authenticated by the node's credential. */
@Configuration(proxyBeanMethods = false)
class NodeApiSecurityConfiguration {

    @Bean
    @Order(0)
    SecurityFilterChain nodeApiFilterChain(HttpSecurity http, NodeRepository nodes, ApiErrorWriter errors)
            throws Exception {
        http.securityMatcher("/node-api/**")
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new NodeCredentialFilter(nodes, errors), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(authorize -> authorize.anyRequest().hasAuthority(NodeCredentialFilter.AUTHORITY))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> errors.write(response,
                                HttpStatus.UNAUTHORIZED, "unauthenticated", "the node API needs the node's credential"))
                        .accessDeniedHandler((request, response, ex) -> errors.write(response,
                                HttpStatus.FORBIDDEN, "forbidden", "access denied")));
        return http.build();
    }
}
