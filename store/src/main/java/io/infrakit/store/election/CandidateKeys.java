package io.infrakit.store.election;

import io.infrakit.store.KeyValue;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candidates' keys among the keys under an election prefix: each is named after its candidate's lease, in hex,
 * directly under the prefix. Any other key there (one some other program put) is no candidate: it has no lease, never
 * goes, and counted as one it would keep every newer candidate waiting for it for good.
 */
public final class CandidateKeys {

    private static final Logger log = LoggerFactory.getLogger(CandidateKeys.class);
    /** A lease ID is a 64-bit number: at most 16 hex digits. */
    private static final int MAX_DIGITS = 16;

    private final String prefix;
    private final Set<String> strays = new HashSet<>();

    /** @param prefix ends with "/" */
    CandidateKeys(String prefix) {
        this.prefix = prefix;
    }

    /** The candidates' keys of a listing under the prefix; says once of each other key that it is ignored. */
    List<KeyValue> of(List<KeyValue> listed) {
        for (KeyValue kv : listed) {
            if (!isCandidate(prefix, kv.key()) && strays.add(kv.key())) {
                log.warn("{} is under the election prefix {} but is not a candidate's key (a lease ID in hex): "
                        + "ignored; other keys do not belong there", kv.key(), prefix);
            }
        }
        return listed.stream().filter(kv -> isCandidate(prefix, kv.key())).toList();
    }

    /** Whether {@code key} is a candidate's key under {@code prefix} (which ends with "/"). */
    public static boolean isCandidate(String prefix, String key) {
        int digits = key.length() - prefix.length();
        if (!key.startsWith(prefix) || digits < 1 || digits > MAX_DIGITS) {
            return false;
        }
        for (int i = prefix.length(); i < key.length(); i++) {
            char c = key.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }
}
