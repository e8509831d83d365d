package io.trialboot.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * #17: the leaf level of a stored tree (its last level) is found, proven against the signed root
 * and serves as known leaves: a tree built from them is the tree built from the data; a byte of it
 * that is not the signed one (a digest or the padding after the last) is not proven.
 */
class VerityLeavesTest {
    private static final int BLOCK = VerityParams.BLOCK_SIZE;
    private static final Sha256 SALT = Sha256.of("trialboot test salt".getBytes(StandardCharsets.UTF_8));

    @ParameterizedTest
    @ValueSource(ints = {2, 128, 129, 300})
    void theLeafLevelIsProvenAndBuildsTheSameTree(int blocks) throws IOException {
        byte[] data = data(blocks);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        VerityParams v = VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, SALT, stored);
        byte[] tree = stored.toByteArray();
        long bytes = VerityTree.leafLevelBytes(v);
        assertEquals((blocks + 127) / 128 * BLOCK, bytes);
        byte[] leaves = VerityTree.provenLeaves(Arrays.copyOfRange(tree, tree.length - (int) bytes, tree.length), v)
                .orElseThrow();
        assertEquals(blocks * Sha256.LENGTH, leaves.length);

        VerityTree.Builder b = new VerityTree.Builder(data.length, data.length, SALT);
        for (int k = 0; k < blocks; k++) {
            if (k % 3 == 0) {
                b.knownLeaf(leaves, k * Sha256.LENGTH);
            } else {
                b.update(data, k * BLOCK, BLOCK);
            }
        }
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        assertEquals(v, b.finish(rebuilt));
        assertArrayEquals(tree, rebuilt.toByteArray());
    }

    /** The first digest's first byte, a byte of the last digest, the padding's last byte: each flipped is not proven. */
    @ParameterizedTest
    @ValueSource(ints = {0, 300 * 32 - 1, 3 * 4096 - 1})
    void aByteOfTheLeafLevelThatIsNotSignedIsNotProven(int at) throws IOException {
        byte[] data = data(300);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        VerityParams v = VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, SALT, stored);
        byte[] tree = stored.toByteArray();
        byte[] level = Arrays.copyOfRange(tree, tree.length - (int) VerityTree.leafLevelBytes(v), tree.length);
        level[at] ^= 1;
        assertTrue(VerityTree.provenLeaves(level, v).isEmpty());
    }

    @Test
    void oneBlockOfDataHasNoLeafLevel() {
        assertEquals(0, VerityTree.leafLevelBytes(VerityParams.of(BLOCK, SALT, SALT)));
    }

    private static byte[] data(int blocks) {
        byte[] d = new byte[blocks * BLOCK];
        new Random(blocks).nextBytes(d);
        return d;
    }
}
