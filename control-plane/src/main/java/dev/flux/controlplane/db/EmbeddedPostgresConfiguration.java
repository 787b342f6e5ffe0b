package dev.flux.controlplane.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.flux.controlplane.ControlPlaneProperties;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default: with no {@code spring.datasource.url}, start PostgreSQL under
 * {@code flux.control-plane.data-dir} and connect to it. The data source defined here makes Boot's own data source
 * configuration back off; Flyway migrates it like any other.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDataSourceUrlCondition.class)
class EmbeddedPostgresConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedPostgresServer embeddedPostgresServer(ControlPlaneProperties properties) {
        ControlPlaneProperties.EmbeddedPostgres embedded = properties.embeddedPostgres();
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(
                properties.dataDir(), embedded.port(), embedded.startupTimeout(), true);
        try {
            server.createDatabaseIfMissing(embedded.database());
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    @Bean
    DataSource dataSource(EmbeddedPostgresServer server, ControlPlaneProperties properties) {
        HikariDataSource dataSource = DataSourceBuilder.create()
                .type(HikariDataSource.class)
                .url(server.jdbcUrl(properties.embeddedPostgres().database()))
                .username(EmbeddedPostgresServer.SUPERUSER)
                .build();
        dataSource.setPoolName("embedded-postgres");
        return dataSource;
    }
}
