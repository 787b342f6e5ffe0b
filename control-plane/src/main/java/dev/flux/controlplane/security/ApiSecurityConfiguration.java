package dev.flux.controlplane.security;

import dev.flux.controlplane.api.ApiErrorWriter;
import dev.flux.controlplane.token.ApiTokenRepository;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * The REST API's filter chain: {@code /api/**} is stateless and authenticated by bearer tokens (no cookies, so no
 * CSRF tokens). Signing in and the device-login calls are open. Everything else is the web UI's chain
 * ({@link WebSecurityConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfiguration {

    /** Hashes passwords with the encoder Spring Security recommends today (bcrypt), recognising older ids. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiFilterChain(HttpSecurity http, ApiTokenRepository tokens, ApiErrorWriter errors)
            throws Exception {
        http.securityMatcher("/api/**")
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(tokens, errors, Clock.systemUTC()),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(authorize -> {
                    authorize.requestMatchers(HttpMethod.POST, "/api/v1/auth/token", "/api/v1/auth/password",
                            "/api/v1/device/authorize", "/api/v1/device/token").permitAll();
                    for (ScopeRule rule : ScopeRule.ALL) {
                        authorize.requestMatchers(rule.matcher()).hasAuthority(rule.scope().authority());
                    }
                    authorize.anyRequest().authenticated();
                })
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated(errors))
                        .accessDeniedHandler(denied(errors)));
        return http.build();
    }

    private static AuthenticationEntryPoint unauthenticated(ApiErrorWriter errors) {
        return (request, response, e) -> errors.write(response, HttpStatus.UNAUTHORIZED, "unauthenticated",
                "this needs an API token: send 'Authorization: Bearer <token>' (get one with POST /api/v1/auth/token)");
    }

    private static AccessDeniedHandler denied(ApiErrorWriter errors) {
        return (request, response, e) -> {
            String message = ScopeRule.requiredBy(request)
                    .map(scope -> "this needs a token with the '" + scope.id() + "' scope"
                            + (scope == Scope.ADMIN ? " (only administrators' tokens have it)" : ""))
                    .orElse("access denied");
            errors.write(response, HttpStatus.FORBIDDEN, "forbidden", message);
        };
    }
}
