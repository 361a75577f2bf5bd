package io.imgboard.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The folder and its generated secrets: private from the start, the same on every use, made private again when loosened. */
class StateDirTest {
    @TempDir
    Path home;

    @Test
    void theFolderIsItsOwnersOnlyFromTheStartAndAgainWhenLoosened() throws Exception {
        Path fresh = home.resolve("made by mkdir -p/state");
        new StateDir(fresh);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));

        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(fresh.resolve("logs"), PosixFilePermissions.fromString("rwxr-xr-x"));
        StateDir again = new StateDir(fresh);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(again.root())));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve("logs"))),
                "inside, modes are the servers' own");

        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("r-x------"));
        new StateDir(fresh);
        assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)), "owner-only stays as it is");
        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aSecretIsPrivateStableAndMadePrivateAgain() throws Exception {
        StateDir state = new StateDir(home);
        String token = state.secret("admin-token");
        Path file = home.resolve("secrets/admin-token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(token.matches("[0-9a-f]{48}"), token);
        try (var left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "nothing is left beside the secret");
        }

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(token, new StateDir(home).secret("admin-token"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertEquals(token, new StateDir(home).secret("admin-token"));
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "owner-only stays as it is");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        Files.writeString(file, "\n");
        InfraException empty = assertThrows(InfraException.class, () -> state.secret("admin-token"));
        assertTrue(empty.getMessage().contains("is empty"), empty.getMessage());
    }

    @Test
    void aFileOrSomeoneElsesFolderIsRefusedAndKeepsItsMode() throws Exception {
        Path file = Files.writeString(home.resolve("afile"), "mine\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        InfraException onFile = assertThrows(InfraException.class, () -> new StateDir(file));
        assertTrue(onFile.getMessage().contains("is a file, not a folder"), onFile.getMessage());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Path shared = Files.createDirectory(home.resolve("shared"));
        Files.writeString(shared.resolve("someone's notes.txt"), "theirs\n");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        InfraException onShared = assertThrows(InfraException.class, () -> new StateDir(shared));
        assertTrue(onShared.getMessage().contains("is not an img-board state folder"), onShared.getMessage());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
        assertFalse(Files.exists(shared.resolve("run")), "nothing is made in it");

        Path empty = Files.createDirectory(home.resolve("empty"));
        new StateDir(empty);
        assertTrue(StateDir.isStateFolder(empty), "an empty folder is taken and becomes one");
        Files.writeString(empty.resolve("logs/launcher.log"), "earlier\n");
        new StateDir(empty); // img-board's own, holding things, is taken again
    }

    /**
     * The script makes the state folder and writes its libvips and build stamp before the launcher starts: it
     * takes a folder by the same marks, or it would fill someone's folder that the launcher then refuses (or, with
     * the script's own marks in it, takes and makes its owner's only).
     */
    @Test
    void theScriptTakesAFolderByTheSameMarks() throws Exception {
        String script = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("imgboard"));
        java.util.regex.Matcher marks = java.util.regex.Pattern.compile("(?m)^STATE_MARKS=\\((.*)\\)$").matcher(script);
        assertTrue(marks.find(), "the script's STATE_MARKS");
        assertEquals(StateDir.MARKS, java.util.List.of(marks.group(1).trim().split("\\s+")));
        assertTrue(script.contains("make_state_folder\n  local dir=\"$IMGBOARD_HOME/libvips/"),
                "libvips is fetched into a folder the script checked");
    }

    @Test
    void statusAndDownOnlyLook() throws Exception {
        Path shared = Files.createDirectory(home.resolve("shared"));
        Files.writeString(shared.resolve("someone's notes.txt"), "theirs\n");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(Main.lookAt(shared).isEmpty(), "nothing of img-board there");
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
        try (var inside = Files.list(shared)) {
            assertEquals(1, inside.count(), "no logs/ or run/ made");
        }
        Path file = Files.writeString(home.resolve("afile"), "mine\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(InfraException.class, () -> Main.lookAt(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Path state = home.resolve("state");
        new StateDir(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        StateDir looked = Main.lookAt(state).orElseThrow();
        assertEquals(state.resolve("postgres"), looked.dir("postgres"));
        assertFalse(Files.exists(state.resolve("postgres")), "a folder is named, not made");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)), "status changes no mode");
    }
}
