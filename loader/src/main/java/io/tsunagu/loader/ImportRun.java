package io.tsunagu.loader;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One import of one file, as the history keeps it.
 *
 * @param status     {@code running} (or a run that was killed), {@code imported}, {@code skipped}
 *                   (already imported), {@code rejected} (nothing written) or {@code failed} (stopped
 *                   part-way, e.g. Redis went away: importing the file again completes it, counting
 *                   nothing twice)
 * @param read       data rows read
 * @param applied    events stored, or attribute/product rows written
 * @param duplicate  events that were already stored (a re-import, or a repeat within the file)
 * @param rejected   bad rows (in the errors file)
 * @param tooOld     events older than the profile horizon, not stored
 * @param errors     the first few bad rows or the reason the file was rejected
 */
public record ImportRun(String id, String feed, String file, String sha256, String status, long read, long applied,
        long duplicate, long rejected, long tooOld, long started, long finished, List<String> errors,
        String errorsFile) {

    public static final String RUNNING = "running";
    public static final String IMPORTED = "imported";
    public static final String SKIPPED = "skipped";
    public static final String REJECTED = "rejected";
    public static final String FAILED = "failed";

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("feed", feed);
        m.put("file", file);
        m.put("sha256", sha256);
        m.put("status", status);
        m.put("rows_read", read);
        m.put("rows_applied", applied);
        m.put("rows_duplicate", duplicate);
        m.put("rows_rejected", rejected);
        m.put("rows_too_old", tooOld);
        m.put("started", started);
        m.put("finished", finished);
        m.put("errors", errors);
        if (errorsFile != null) {
            m.put("errors_file", errorsFile);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    public static ImportRun fromMap(Map<String, Object> m) {
        return new ImportRun((String) m.get("id"), (String) m.get("feed"), (String) m.get("file"),
                (String) m.get("sha256"), (String) m.get("status"), num(m.get("rows_read")), num(m.get("rows_applied")),
                num(m.get("rows_duplicate")), num(m.get("rows_rejected")), num(m.get("rows_too_old")),
                num(m.get("started")), num(m.get("finished")),
                m.get("errors") instanceof List<?> l ? (List<String>) l : List.of(), (String) m.get("errors_file"));
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    ImportRun with(String newStatus, long finishedAt) {
        return new ImportRun(id, feed, file, sha256, newStatus, read, applied, duplicate, rejected, tooOld, started,
                finishedAt, errors, errorsFile);
    }
}
