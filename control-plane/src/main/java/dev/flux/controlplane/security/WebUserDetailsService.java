package dev.flux.controlplane.security;

import dev.flux.controlplane.user.UserRepository;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/** Loads the accounts that sign in to the web UI with a password. */
@Component
class WebUserDetailsService implements UserDetailsService {

    private final UserRepository users;

    WebUserDetailsService(UserRepository users) {
        this.users = users;
    }

    @Override
    public WebUser loadUserByUsername(String username) {
        return users.findByUsername(username).map(WebUser::of)
                .orElseThrow(() -> new UsernameNotFoundException("no user '" + username + "'"));
    }
}
