package io.tsunagu.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the server is configured with, validated. Built by {@link ConfigLoader} from a YAML
 * file and {@code TSUNAGU_*} environment variables (which win).
 *
 * @param redisUrl a Redis to use; null starts a private one under {@code dataDir/redis}
 * @param siteSecret the HMAC key for signed member ids; null means no member id is ever trusted
 * @param adminToken the bearer token of the admin API; null disables the admin API
 * @param allowedOrigins origins that may call the API from a browser ("*" for any)
 * @param redisTimeout how long a decision waits for Redis before answering from an empty profile
 * @param demoShop serve the demo shop under /demo/, whose login signs any member id: for demos only
 * @param staff the staff page: accounts, sessions, login limits, what a lookup shows
 */
public record ServerConfig(
        String host,
        int port,
        Path rulesDir,
        Path dataDir,
        String redisUrl,
        String keyPrefix,
        Duration redisTimeout,
        String siteSecret,
        String adminToken,
        List<String> allowedOrigins,
        long bodyLimit,
        long cacheMaxProfiles,
        Duration cacheTtl,
        int writeBufferMax,
        int eventLoops,
        boolean demoShop,
        StaffSettings staff) {

    public ServerConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public boolean embeddedRedis() {
        return redisUrl == null;
    }

    public ServerConfig withRedisUrl(String url) {
        return new ServerConfig(host, port, rulesDir, dataDir, url, keyPrefix, redisTimeout, siteSecret, adminToken,
                allowedOrigins, bodyLimit, cacheMaxProfiles, cacheTtl, writeBufferMax, eventLoops, demoShop, staff);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, rulesDir, dataDir, redisUrl, keyPrefix, redisTimeout, siteSecret,
                adminToken, allowedOrigins, bodyLimit, cacheMaxProfiles, cacheTtl, writeBufferMax, eventLoops, demoShop, staff);
    }

    public ServerConfig withStaff(StaffSettings newStaff) {
        return new ServerConfig(host, port, rulesDir, dataDir, redisUrl, keyPrefix, redisTimeout, siteSecret,
                adminToken, allowedOrigins, bodyLimit, cacheMaxProfiles, cacheTtl, writeBufferMax, eventLoops, demoShop, newStaff);
    }

    /** A description for the start-up log: no secrets. */
    @Override
    public String toString() {
        return "port " + port + ", rules " + rulesDir + ", data " + dataDir + ", redis "
                + (redisUrl == null ? "embedded" : "external") + ", site secret " + (siteSecret == null ? "none" : "set")
                + ", admin token " + (adminToken == null ? "none" : "set") + ", origins " + allowedOrigins + (demoShop ? ", demo shop on" : "")
                + ", staff accounts " + staff.accounts().size();
    }
}
