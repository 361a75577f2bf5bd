package io.imgboard.display.service;

import io.imgboard.events.Rendition;
import io.imgboard.events.RenditionSpec;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;

/**
 * A photo's renditions as frames get them: name → versioned URL ({@link MediaPaths#url}), in the
 * catalog's order, read-only: a view over the names (one list shared by every photo with the same
 * renditions) and one 48-bit version each, which is all a {@link PhotoView} keeps; a URL is made when
 * it is read, which is when a page or an event is encoded. A display holds every photo of the
 * library, and three URL strings in a hash map were about 600 bytes of a photo's 1.9 KB.
 */
final class RenditionUrls extends AbstractMap<String, String> {
    private static final Shared<List<String>> NAMES = new Shared<>(1_000);

    private final UUID photoId;
    private final List<String> names;
    private final long[] versions;

    RenditionUrls(UUID photoId, List<String> names, long[] versions) {
        this.photoId = photoId;
        this.names = names;
        this.versions = versions;
    }

    /** The usable renditions (a valid name; a repeated name keeps its first place and its last version). */
    static RenditionUrls of(UUID photoId, List<Rendition> renditions) {
        List<String> names = new ArrayList<>();
        long[] versions = new long[renditions == null ? 0 : renditions.size()];
        if (renditions != null) {
            for (Rendition rendition : renditions) {
                if (rendition != null && RenditionSpec.isName(rendition.name())) {
                    int at = names.indexOf(rendition.name());
                    if (at < 0) {
                        at = names.size();
                        names.add(rendition.name());
                    }
                    versions[at] = MediaPaths.version(rendition);
                }
            }
        }
        return new RenditionUrls(photoId, NAMES.of(List.copyOf(names)), Arrays.copyOf(versions, names.size()));
    }

    private String url(int index) {
        return MediaPaths.url(photoId, names.get(index), versions[index]);
    }

    @Override
    public int size() {
        return names.size();
    }

    @Override
    public boolean containsKey(Object name) {
        return names.contains(name);
    }

    @Override
    public String get(Object name) {
        int at = names.indexOf(name);
        return at < 0 ? null : url(at);
    }

    List<String> names() {
        return names;
    }

    long[] versions() {
        return versions;
    }

    /** Equal to any map with the same entries; between two of these, without making a URL. */
    @Override
    public boolean equals(Object other) {
        if (other instanceof RenditionUrls urls) {
            return photoId.equals(urls.photoId) && names.equals(urls.names) && Arrays.equals(versions, urls.versions);
        }
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.size();
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        int at = next++;
                        return Map.entry(names.get(at), url(at));
                    }
                };
            }

            @Override
            public int size() {
                return names.size();
            }
        };
    }
}
