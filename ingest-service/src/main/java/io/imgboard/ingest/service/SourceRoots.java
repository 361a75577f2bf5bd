package io.imgboard.ingest.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where folder sources may be. A source reads its folder and, with {@code afterImport}, deletes or moves
 * files in it and under its {@code archivePath}, so both must lie in a folder the operator handed to
 * ingest: one of {@code IMGBOARD_SOURCE_ROOTS} ({@code imgboard.source-roots}), or a
 * folder (or archive folder) of a source the operator named in the configuration ({@code IMGBOARD_SOURCES},
 * {@code imgboard.sources.<id>.path}); an admin token is a client too. Checked on the real paths
 * ({@link AllowedRoots}) when a source is added or changed and again at every scan, so a changed setting
 * or a link swapped later does not take an old source out.
 */
@ApplicationScoped
public class SourceRoots {
    static final String SETTING = "IMGBOARD_SOURCE_ROOTS";

    private final AllowedRoots roots;

    SourceRoots(Config config) {
        List<Path> named = new ArrayList<>();
        for (SourceSettings source : SourceService.configured(config)) {
            for (String folder : new String[] {source.path(), source.archivePath()}) {
                Path path = AllowedRoots.real(pathOrNull(folder));
                if (path != null) {
                    named.add(path);
                }
            }
        }
        this.roots = AllowedRoots.parse(SETTING, config.getOptionalValue("imgboard.source-roots", String.class)
                .orElse(null)).and(named);
    }

    /** Why this source may not read or change its folders, for a person; empty when it may. */
    public List<String> problems(SourceSettings source) {
        List<String> problems = new ArrayList<>();
        refusal("path", source.path()).ifPresent(problems::add);
        refusal("archivePath", source.archivePath()).ifPresent(problems::add);
        return problems;
    }

    private Optional<String> refusal(String name, String folder) {
        Path path = pathOrNull(folder);
        if (path == null || !path.isAbsolute() || roots.holding(path).isPresent()) {
            return Optional.empty(); // missing or relative: SourceSettings.problems() says so
        }
        Optional<Path> missingRoot = roots.roots().stream()
                .filter(root -> path.normalize().startsWith(root) && FolderScanner.realOrNull(root) == null).findFirst();
        if (missingRoot.isPresent()) {
            // not outside: the allowed folder itself is not there (a mount not up, a typo in the setting)
            return Optional.of(name + " " + path + " lies in " + missingRoot.get() + ", a folder sources may use ("
                    + SETTING + " or a source in the configuration), which does not exist: create it or mount it, "
                    + "or name a folder that exists");
        }
        Path real = AllowedRoots.real(path);
        String leads = real != null && !real.equals(path.normalize()) ? " (it leads to " + real + ")" : "";
        return Optional.of(name + " " + path + leads + " is outside the folders sources may use: "
                + (roots.isEmpty() ? "no " + SETTING + " is set and no source in the configuration names it"
                : String.join(";", roots.roots().stream()
                        .map(root -> root + (FolderScanner.realOrNull(root) == null ? " (does not exist)" : "")).toList())
                + " (" + SETTING + " and the sources in the configuration)")
                + "; ingest reads, moves and deletes files nowhere else");
    }

    private static Path pathOrNull(String folder) {
        try {
            return folder == null || folder.isBlank() ? null : Path.of(folder.strip());
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }
}
