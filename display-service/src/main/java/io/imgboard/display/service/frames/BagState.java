package io.imgboard.display.service.frames;

import java.time.Instant;
import java.util.UUID;

/**
 * Where a frame is in its bag, in a few numbers whatever the size of the library: the bag's order is
 * derived from them (a seeded hash of each photo id per round, or the capture / arrival order), so
 * nothing per photo is kept. Stored on {@code imgboard.frame-bags}, keyed by frame name.
 *
 * @param seed           the frame's shuffle seed (random, fixed for the bag's life)
 * @param round          1, 2, …; each round shuffles anew
 * @param roundStartedAt photos that joined later are not in this round (frames got them as {@code add}); next round they are
 * @param cursorKey      the order key of the last photo the frame reported, {@link Long#MIN_VALUE} at a round's start
 * @param cursorId       that photo (ties on the key are broken by id), null at a round's start
 * @param basis          the order and filter the bag was built for; a bag for another basis starts afresh
 * @param updatedAt      last change; of two instances' states the later wins
 */
public record BagState(long seed, long round, Instant roundStartedAt, long cursorKey, UUID cursorId, String basis,
                       Instant updatedAt) {

    static BagState fresh(long seed, String basis, Instant now) {
        return new BagState(seed, 1, now, Long.MIN_VALUE, null, basis, now);
    }

    BagState nextRound(Instant now) {
        return new BagState(seed, round + 1, now, Long.MIN_VALUE, null, basis, now);
    }

    BagState at(long key, UUID photoId, Instant now) {
        return new BagState(seed, round, roundStartedAt, key, photoId, basis, now);
    }

    /**
     * An opaque name for this round of this bag: another seed (a new bag, e.g. for a changed filter) or
     * round gives another name, and the seed cannot be read back from it.
     */
    String token() {
        long h = FrameBags.shuffleKey(seed, round, new UUID(round, seed));
        return Long.toHexString(h) + "." + round;
    }

    /** Whether (key, id) comes after the cursor in the bag's order. */
    boolean after(long key, UUID id) {
        if (cursorId == null) {
            return true;
        }
        int byKey = Long.compare(key, cursorKey);
        return byKey > 0 || byKey == 0 && id.compareTo(cursorId) > 0;
    }
}
