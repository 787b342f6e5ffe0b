package dev.flux.controlplane.security;

import java.time.Instant;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * The web sign-in's password check behind the lock-out: a locked username is refused before its password is
 * looked at; a wrong password counts towards the lock ({@link SignInThrottle}).
 */
final class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private final AuthenticationProvider passwords;
    private final SignInThrottle throttle;

    ThrottledAuthenticationProvider(AuthenticationProvider passwords, SignInThrottle throttle) {
        this.passwords = passwords;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String username = authentication.getName();
        Optional<Instant> locked = throttle.lockedUntil(username);
        if (locked.isPresent()) {
            throw new LockedException(SignInThrottle.lockedMessage(username, locked.get()));
        }
        try {
            Authentication result = passwords.authenticate(authentication);
            throttle.recordSuccess(username);
            return result;
        } catch (BadCredentialsException e) {
            Optional<Instant> nowLocked = throttle.recordFailure(username);
            if (nowLocked.isPresent()) {
                throw new LockedException(SignInThrottle.lockedMessage(username, nowLocked.get()), e);
            }
            throw new BadCredentialsException("wrong username or password", e);
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
