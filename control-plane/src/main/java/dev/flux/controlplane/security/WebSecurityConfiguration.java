package dev.flux.controlplane.security;

import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.user.UserRepository;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The web UI's filter chain, the lowest-precedence default for every path the API chains ({@code /api/**},
 * {@code /node-api/**}) do not match: form sign-in with a session cookie (HttpOnly, SameSite=Lax, Secure over
 * HTTPS; see application.properties), CSRF tokens on every form, the lock-out of {@link SignInThrottle}, and
 * pages by role. Health, the OpenAPI document, static files and the sign-in page are open.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurityConfiguration {

    static final String SIGN_IN_PAGE = "/sign-in";
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";
    private static final RequestMatcher HTMX = request -> request.getHeader("HX-Request") != null;

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain webFilterChain(HttpSecurity http, WebUserDetailsService accounts, PasswordEncoder encoder,
                                       SignInThrottle throttle, AuditLog audit, UserRepository users)
            throws Exception {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(accounts);
        passwords.setPasswordEncoder(encoder);
        // "disabled" only after the password matched, so that it tells nothing to someone guessing usernames
        passwords.setPreAuthenticationChecks(account -> {
        });
        passwords.setPostAuthenticationChecks(account -> {
            if (!account.isEnabled()) {
                throw new DisabledException("account disabled");
            }
        });
        WebSignInHandlers handlers = new WebSignInHandlers(audit, users);
        // its own manager, without the global one as a parent: a refused password is not tried a second time there
        http.authenticationManager(new ProviderManager(new ThrottledAuthenticationProvider(passwords, throttle)))
                .httpBasic(b -> b.disable())
                .formLogin(form -> form.loginPage(SIGN_IN_PAGE)
                        .loginProcessingUrl(SIGN_IN_PAGE)
                        .successHandler(handlers)
                        .failureHandler(handlers)
                        .permitAll())
                .logout(logout -> logout.logoutUrl("/sign-out")
                        .logoutSuccessUrl(SIGN_IN_PAGE + "?signed-out")
                        .deleteCookies("JSESSIONID"))
                .addFilterBefore(new SessionUserGate(users), AuthorizationFilter.class)
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(SIGN_IN_PAGE, "/actuator/health", "/actuator/health/**", "/error", "/forbidden")
                        .permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**").permitAll()
                        .requestMatchers("/css/**", "/js/**", "/webjars/**", "/favicon.svg", "/favicon.ico").permitAll()
                        .requestMatchers("/users/**", "/nodes/**", "/audit/**").hasRole("ADMIN")
                        .anyRequest().authenticated())
                // pages load scripts, styles and images from this origin only, and no other site may frame them
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
                .requestCache(cache -> cache.requestCache(pagesOnly()))
                .exceptionHandling(e -> e.accessDeniedPage("/forbidden")
                        // an htmx refresh after the session ended: send the whole page to the sign-in, not the fragment
                        .defaultAuthenticationEntryPointFor((request, response, denied) -> {
                            response.setHeader("HX-Redirect", request.getContextPath() + SIGN_IN_PAGE);
                            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                        }, HTMX)
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint(SIGN_IN_PAGE),
                                AnyRequestMatcher.INSTANCE));
        return http.build();
    }

    /** Remembers the page a signed-out user asked for (to return there after signing in), never an htmx fragment. */
    private static RequestCache pagesOnly() {
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        cache.setRequestMatcher(new AndRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/**"), new NegatedRequestMatcher(HTMX)));
        return cache;
    }
}
