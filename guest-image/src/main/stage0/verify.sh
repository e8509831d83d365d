# trialboot stage 0: the slot verifier (docs/verified-boot.md). busybox sh, sourced by /init and by
# the host tests (guest-image/src/test). Every signature is checked by openssl (`pkeyutl -verify
# -rawin`, Ed25519); this file only reads bytes, bounds them and compares them. The VF_ constants
# are rendered at build time from the Java that owns them (VerifyScript.render).
#
# verify_slot DEVICE MANIFEST ADMISSION_DIR ROOTS_DIR WORK
#   DEVICE         the slot (block device, or a file in the host tests)
#   MANIFEST       the slot's signed release manifest kept on /state; its signature is MANIFEST.sig
#   ADMISSION_DIR  the domain's admission/ directory: dam.cbor + dam.sig, or the newest
#                  admission/<seq>/ nx admit applied
#   ROOTS_DIR      the anchored roots, *.pub (PEM SPKI): the initramfs' own keyring
#   WORK           an empty scratch directory
# Chain: anchored root -> admission record (signature checked before a byte of it is parsed) ->
# admitted release key(s) under the record's witness mode (revocation wins) -> the manifest ->
# its signed verity map -> the slot's top hash block hashes to the signed root hash.
# Returns 0 with VERIFY_TABLE (the dmsetup table line, VerityParams.dmTable's form), or 1 with
# VERIFY_CODE (a io.trialboot.core.Code name), VERIFY_WHY, and VERIFY_SCOPE: "chain" when the
# anchor or the admission record failed (no slot can be checked; the slot is not to blame), else
# "slot". Nothing unverified is ever set.

VF_SALT=@VERITY_SALT@
VF_ADMISSION_SCHEMA=@ADMISSION_SCHEMA@
VF_MANIFEST_SCHEMA=@MANIFEST_SCHEMA@
VF_DOMAIN=@DOMAIN@
# trialboot.sig/1, exactly as SignatureFile.encode writes it: the head up to the array, then per
# entry the bytes before the 8-byte key id and between it and the 64-byte signature.
VF_SIG_HEAD=@SIG_HEAD@
VF_SIG_KEY=@SIG_KEY@
VF_SIG_SIG=@SIG_SIG@
# Bounds (io.trialboot.core.Bounds): documents, signature files, key files, keys.
VF_DOC_BYTES=@DOC_BYTES@
VF_SIG_BYTES=@SIG_BYTES@
VF_KEY_FILE_BYTES=@KEY_FILE_BYTES@
VF_KEYS=@KEYS@
VF_SIGNATURES=@SIGNATURES@
# DER SubjectPublicKeyInfo of an Ed25519 key, before its 32 raw bytes.
VF_SPKI=302a300506032b6570032100

vf_fail() {
    VERIFY_CODE=$1
    VERIFY_WHY=$2
    return 1
}

# vf_size FILE MAX WHAT: the file's size, bounded before anything reads it.
vf_size() {
    [ -f "$1" ] || { vf_fail HOST_NOT_FOUND "$3 $1 is missing"; return 1; }
    vf_n=$(stat -c %s "$1") || { vf_fail HOST_IO_ERROR "cannot stat $3 $1"; return 1; }
    [ "$vf_n" -le "$2" ] || { vf_fail HOST_INPUT_OVERSIZE "$3 $1 has $vf_n bytes, over $2"; return 1; }
}

vf_hex() {
    od -An -tx1 -v "$1" | tr -d ' \n'
}

vf_sha256() {
    sha256sum | cut -c1-64
}

# vf_sigs FILE: the entries of a signature file as "<key id hex> <signature hex>" lines in
# VF_ENTRIES, after an exact-layout check (nothing in a file of another layout is used).
vf_sigs() {
    vf_size "$1" "$VF_SIG_BYTES" "signature file" || return 1
    vf_h=$(vf_hex "$1")
    vf_entry=$((${#VF_SIG_KEY} + 16 + ${#VF_SIG_SIG} + 128))
    vf_count=$(( (${#vf_h} - ${#VF_SIG_HEAD} - 2) / vf_entry ))
    if [ "${vf_h#"$VF_SIG_HEAD"}" = "$vf_h" ] || [ "$vf_count" -lt 0 ] || [ "$vf_count" -gt "$VF_SIGNATURES" ] \
        || [ ${#vf_h} -ne $((${#VF_SIG_HEAD} + 2 + vf_count * vf_entry)) ] \
        || [ "$(printf %02x $((0x80 + vf_count)))" != "$(echo "$vf_h" | cut -c$((${#VF_SIG_HEAD} + 1))-$((${#VF_SIG_HEAD} + 2)))" ]
    then
        vf_fail SIG_LAYOUT_INVALID "signature file $1 is not the exact trialboot.sig/1 layout"
        return 1
    fi
    VF_ENTRIES=$(echo "$vf_h" | awk -v head=$((${#VF_SIG_HEAD} + 2)) -v n="$vf_count" -v size="$vf_entry" \
            -v kp="$VF_SIG_KEY" -v sp="$VF_SIG_SIG" '{
        for (i = 0; i < n; i++) {
            e = substr($0, head + 1 + i * size, size)
            if (substr(e, 1, length(kp)) != kp || substr(e, length(kp) + 17, length(sp)) != sp) exit 1
            print substr(e, length(kp) + 1, 16), substr(e, length(kp) + length(sp) + 17, 128)
        }
    }') || { vf_fail SIG_LAYOUT_INVALID "signature file $1 is not the exact trialboot.sig/1 layout"; return 1; }
}

# vf_check KEYFILE FORM CONTENT SIGHEX: openssl verifies the Ed25519 signature over CONTENT.
vf_check() {
    echo "$4" | xxd -r -p > "$vf_work/sig"
    openssl pkeyutl -verify -pubin -inkey "$1" -keyform "$2" -rawin -in "$3" -sigfile "$vf_work/sig" >/dev/null 2>&1
}

# vf_cbor FILE: the canonical CBOR document as "<path> <type> <value>" lines (u uint, b bytes as
# hex, t ASCII text, T bool, a/m array/map with its count), or "! <CODE> <why>". Strict: shortest
# heads, definite lengths, keys text and in canonical order, no duplicates, depth and sizes
# bounded, nothing after the item; nothing else (tags, negatives, floats) is accepted. Only ever
# run on bytes whose signature has verified.
vf_cbor() {
    vf_hex "$1" | awk '
    BEGIN { for (i = 0; i < 256; i++) byte[sprintf("%02x", i)] = i }
    function fail(code, why) { print "!", code, why; failed = 1; exit 1 }
    function child(path) { return path == "." ? "." : path "." }
    function u8() { if (pos >= len) fail("CBOR_TRUNCATED", "ends at byte " pos); return byte[substr(h, 2 * pos++ + 1, 2)] }
    function head(   b, ai, v, n, min) {
        b = u8(); major = int(b / 32); ai = b % 32
        if (ai < 24) return ai
        if (ai == 31) fail("CBOR_INDEFINITE_LENGTH", "indefinite length at byte " pos - 1)
        if (ai > 27) fail("CBOR_UNSUPPORTED", "reserved head at byte " pos - 1)
        n = (ai == 24) ? 1 : (ai == 25) ? 2 : (ai == 26) ? 4 : 8
        min = (ai == 24) ? 24 : (ai == 25) ? 256 : (ai == 26) ? 65536 : 4294967296
        for (v = 0; n > 0; n--) v = v * 256 + u8()
        if (v < min) fail("CBOR_NOT_CANONICAL", "long-form head at byte " pos)
        return v
    }
    function item(path, depth,   v, i, j, k, start, prev, kind, s, t, enc, name) {
        if (depth > 8) fail("CBOR_TOO_DEEP", "nesting beyond 8 at " path)
        if (path == "") path = "."
        start = pos; v = head(); kind = major
        if (major == 0) { printf "%s u %.0f\n", path, v; return }
        if (major == 2 || major == 3) {
            if (v > 16384) fail("HOST_INPUT_OVERSIZE", "string of " v " bytes at " path)
            if (pos + v > len) fail("CBOR_TRUNCATED", "string at " path " ends beyond the input")
            s = substr(h, 2 * pos + 1, 2 * v); pos += v
            if (major == 2) { print path, "b", s; return }
            t = ""
            for (i = 0; i < v; i++) {
                k = byte[substr(s, 2 * i + 1, 2)]
                if (k < 33 || k > 126) fail("CBOR_UNSUPPORTED", "text at " path " is not printable ASCII")
                t = t sprintf("%c", k)
            }
            print path, "t", t; return
        }
        if (major == 4 || major == 5) {
            if (v > 1024) fail("HOST_INPUT_OVERSIZE", v " items at " path)
            if (v > len - pos) fail("CBOR_TRUNCATED", v " items at " path " but " len - pos " bytes left")
            print path, (kind == 4 ? "a" : "m"), v
            prev = ""
            for (i = 0; i < v; i++) {
                if (kind == 4) { item(child(path) i, depth + 1); continue }
                start = pos; k = head()
                if (major != 3) fail("CBOR_UNSUPPORTED", "a key of " path " is not text")
                if (pos + k > len) fail("CBOR_TRUNCATED", "key at " path " ends beyond the input")
                enc = substr(h, 2 * start + 1, 2 * (pos + k - start)); name = ""
                for (j = 0; j < k; j++) name = name sprintf("%c", byte[substr(h, 2 * (pos + j) + 1, 2)])
                pos += k
                if (name !~ /^[a-z0-9_]+$/) fail("CBOR_UNSUPPORTED", "key at " path " is not [a-z0-9_]")
                if (enc == prev) fail("CBOR_DUPLICATE_KEY", path "." name " twice")
                if (prev != "" && enc < prev) fail("CBOR_NOT_CANONICAL", "keys of " path " out of order at " name)
                prev = enc
                item(child(path) name, depth + 1)
            }
            return
        }
        if (major == 7 && (v == 20 || v == 21)) { print path, "T", (v == 21 ? "true" : "false"); return }
        fail("CBOR_UNSUPPORTED", "major type " major " at " path)
    }
    { h = $0; len = length(h) / 2; pos = 0; item("", 1); if (pos != len) fail("CBOR_TRAILING_BYTES", len - pos " bytes after the item") }
    END { if (!NR) print "!", "CBOR_TRUNCATED", "empty input" }'
}

# vf_read FILE MAX WHAT: VF_DOC, the signed document's fields (vf_cbor), or a failure.
vf_read() {
    VF_DOC=$(vf_cbor "$1")
    case "$VF_DOC" in
        *'!'*) vf_fail "$(echo "$VF_DOC" | awk '$1 == "!" { print $2 }')" \
                   "$2: $(echo "$VF_DOC" | awk '$1 == "!" { $1 = ""; $2 = ""; print }')"
               return 1 ;;
    esac
}

# vf_get VAR PATH TYPE: sets VAR to one field of VF_DOC; missing or of another type fails.
vf_get() {
    vf_v=$(echo "$VF_DOC" | awk -v p="$2" -v t="$3" '$1 == p && $2 == t { print $3; found = 1 } END { exit !found }') \
        || { vf_fail SCHEMA_VIOLATION "field $2 is missing or not of type $3"; return 1; }
    eval "$1=\$vf_v"
}

# vf_roots DIR: VF_ROOTS, "<id> <pem file>" per anchored root.
vf_roots() {
    VF_ROOTS=
    vf_i=0
    for vf_f in "$1"/*.pub; do
        [ -f "$vf_f" ] || break
        vf_i=$((vf_i + 1))
        [ $vf_i -le "$VF_KEYS" ] || { vf_fail HOST_INPUT_OVERSIZE "more than $VF_KEYS anchored roots"; return 1; }
        vf_size "$vf_f" "$VF_KEY_FILE_BYTES" "root key" || return 1
        vf_der=$(openssl pkey -pubin -in "$vf_f" -outform DER 2>/dev/null | od -An -tx1 -v | tr -d ' \n')
        [ ${#vf_der} -eq 88 ] && [ "${vf_der#$VF_SPKI}" != "$vf_der" ] \
            || { vf_fail KEY_FORMAT "anchored root $vf_f is not an Ed25519 public key"; return 1; }
        VF_ROOTS="$VF_ROOTS$(echo "${vf_der#$VF_SPKI}" | xxd -r -p | vf_sha256 | cut -c1-16) $vf_f
"
    done
    [ -n "$VF_ROOTS" ] || vf_fail HOST_NOT_FOUND "no anchored root in $1"
}

vf_root_file() {
    echo "$VF_ROOTS" | awk -v id="$1" '$1 == id { print $2; exit }'
}

# vf_admission DIR: the record in force (the newest admission/<seq>/, else the factory's), signed
# by an anchored root before it is parsed. Sets VF_WITNESS, VF_THRESHOLD, VF_KEYS_IN (lines
# "<id> <raw hex>"), VF_REVOKED (ids), VF_COMPATIBLE, VF_POLICY.
vf_admission() {
    vf_dir=$1
    vf_seq=$(ls "$1" 2>/dev/null | awk '/^[1-9][0-9]{0,8}$/ { if ($1 + 0 > max) max = $1 + 0 } END { if (max) print max }')
    [ -z "$vf_seq" ] || vf_dir=$1/$vf_seq
    vf_sigs "$vf_dir/dam.sig" || return 1
    vf_size "$vf_dir/dam.cbor" "$VF_DOC_BYTES" "admission record" || return 1
    vf_signer=
    while read -r vf_id vf_sig; do
        vf_key=$(vf_root_file "$vf_id")
        [ -n "$vf_key" ] || continue
        vf_check "$vf_key" PEM "$vf_dir/dam.cbor" "$vf_sig" \
            || { vf_fail SIG_INVALID "admission record signature by root $vf_id does not verify"; return 1; }
        vf_signer=$vf_id
        break
    done <<EOF
$VF_ENTRIES
EOF
    [ -n "$vf_signer" ] || { vf_fail ADMISSION_NOT_ROOT_SIGNED "admission record $vf_dir/dam.cbor is not signed by an anchored root"; return 1; }
    vf_read "$vf_dir/dam.cbor" "admission record" || return 1
    vf_get vf_schema .schema t || return 1
    [ "$vf_schema" = "$VF_ADMISSION_SCHEMA" ] || { vf_fail SCHEMA_MISMATCH "admission record schema is not $VF_ADMISSION_SCHEMA"; return 1; }
    vf_extra=$(echo "$VF_DOC" | awk '$1 !~ /^(\.|\.schema|\.domain|\.compatible|\.policy|\.witness|\.threshold|\.keys(\.[0-9]+)?|\.revoked(\.[0-9]+)?)$/')
    [ -z "$vf_extra" ] || { vf_fail SCHEMA_VIOLATION "admission record has unknown field(s): $vf_extra"; return 1; }
    vf_get vf_domain .domain t && vf_get VF_COMPATIBLE .compatible t && vf_get VF_POLICY .policy b \
        && vf_get VF_WITNESS .witness t && vf_get VF_THRESHOLD .threshold u || return 1
    [ "$vf_domain" = "$VF_DOMAIN" ] || { vf_fail HOST_ADMISSION_REJECTED "admission record is not for domain $VF_DOMAIN"; return 1; }
    VF_REVOKED=$(echo "$VF_DOC" | awk '$1 ~ /^\.revoked\.[0-9]+$/ && $2 == "b" && length($3) == 16 { print $3 }')
    VF_KEYS_IN=$(echo "$VF_DOC" | awk '$1 ~ /^\.keys\.[0-9]+$/ && $2 == "b" && length($3) == 64 { print $3 }' \
        | while read -r vf_raw; do echo "$(echo "$vf_raw" | xxd -r -p | vf_sha256 | cut -c1-16) $vf_raw"; done)
    vf_nkeys=$(echo "$VF_DOC" | awk '$1 ~ /^\.keys\.[0-9]+$/ { n++ } END { print n + 0 }')
    vf_nrev=$(echo "$VF_DOC" | awk '$1 ~ /^\.revoked\.[0-9]+$/ { n++ } END { print n + 0 }')
    [ "$vf_nkeys" -eq "$(echo "$VF_KEYS_IN" | grep -c .)" ] && [ "$vf_nrev" -eq "$(echo "$VF_REVOKED" | grep -c .)" ] \
        && [ ${#VF_POLICY} -eq 64 ] || { vf_fail SCHEMA_VIOLATION "admission record keys, revoked ids or policy have the wrong size"; return 1; }
    case "$VF_WITNESS" in
        single-witness|self-authority) [ "$VF_THRESHOLD" = 1 ] ;;
        quorum-witness) [ "$VF_THRESHOLD" -ge 1 ] && [ "$VF_THRESHOLD" -le "$vf_nkeys" ] ;;
        *) false ;;
    esac || { vf_fail SCHEMA_VIOLATION "witness '$VF_WITNESS' with threshold $VF_THRESHOLD"; return 1; }
    ! echo "$VF_REVOKED" | grep -qx "$vf_signer" \
        || { vf_fail ADMISSION_REVOKES_SIGNER "admission record revokes $vf_signer, the root that signed it"; return 1; }
}

# vf_witness FILE: FILE.sig meets the witness mode (Trust.verify's rule, per signature in order:
# revoked, admitted, root under self-authority, root, unknown). Sets VF_SIGNERS.
vf_witness() {
    vf_sigs "$1.sig" || return 1
    VF_SIGNERS=
    vf_valid=0
    vf_first=
    vf_outcomes=
    while read -r vf_id vf_sig; do
        [ -n "$vf_id" ] || continue
        vf_raw=$(echo "$VF_KEYS_IN" | awk -v id="$vf_id" '$1 == id { print $2; exit }')
        vf_root=$(vf_root_file "$vf_id")
        if echo "$VF_REVOKED" | grep -qx "$vf_id"; then
            vf_out=KEY_REVOKED
        elif [ -n "$vf_raw" ]; then
            echo "$VF_SPKI$vf_raw" | xxd -r -p > "$vf_work/key.der"
            if vf_check "$vf_work/key.der" DER "$1" "$vf_sig"; then vf_out=HOST_OK; else vf_out=SIG_INVALID; fi
        elif [ -n "$vf_root" ] && [ "$VF_WITNESS" = self-authority ]; then
            if vf_check "$vf_root" PEM "$1" "$vf_sig"; then vf_out=HOST_OK; else vf_out=SIG_INVALID; fi
        elif [ -n "$vf_root" ]; then
            vf_out=KEY_NOT_ADMITTED
        else
            vf_out=KEY_UNKNOWN
        fi
        vf_first=${vf_first:-$vf_out}
        vf_outcomes="$vf_outcomes $vf_id=$vf_out"
        if [ $vf_out = HOST_OK ] && ! echo "$VF_SIGNERS" | grep -qx "$vf_id"; then
            VF_SIGNERS="$VF_SIGNERS$vf_id
"
            vf_valid=$((vf_valid + 1))
            [ $vf_valid -lt "$VF_THRESHOLD" ] || return 0
        fi
    done <<EOF
$VF_ENTRIES
EOF
    [ -n "$vf_first" ] || { vf_fail SIG_MISSING "$1 carries no signature"; return 1; }
    [ "$VF_THRESHOLD" -ne 1 ] || { vf_fail "$vf_first" "$1:$vf_outcomes"; return 1; }
    vf_fail QUORUM_NOT_MET "$1: $vf_valid distinct valid admitted signer(s), $VF_WITNESS needs $VF_THRESHOLD;$vf_outcomes"
}

verify_slot() {
    VERIFY_TABLE= VERIFY_CODE= VERIFY_WHY= VERIFY_SCOPE=chain
    vf_work=$5
    vf_roots "$4" && vf_admission "$3" || return 1
    VERIFY_SCOPE=slot
    [ -f "$2" ] || { vf_fail SLOT_UNVERIFIABLE "no signed manifest kept for the slot at $2"; return 1; }
    vf_size "$2" "$VF_DOC_BYTES" "release manifest" && vf_witness "$2" || return 1
    vf_read "$2" "release manifest" || return 1
    vf_get vf_schema .schema t || return 1
    [ "$vf_schema" = "$VF_MANIFEST_SCHEMA" ] || { vf_fail SCHEMA_MISMATCH "release manifest schema is not $VF_MANIFEST_SCHEMA"; return 1; }
    vf_get vf_signer .signer b && vf_get vf_compatible .compatible t && vf_get vf_policy .policy b || return 1
    echo "$VF_SIGNERS" | grep -qx "$vf_signer" \
        || { vf_fail SIGNER_MISMATCH "the manifest's named signer is not among its valid signers"; return 1; }
    [ "$vf_compatible" = "$VF_COMPATIBLE" ] || { vf_fail COMPATIBLE_MISMATCH "release is not for $VF_COMPATIBLE"; return 1; }
    [ "$vf_policy" = "$VF_POLICY" ] || { vf_fail POLICY_MISMATCH "release expects another update policy"; return 1; }
    echo "$VF_DOC" | grep -q '^\.verity m ' || { vf_fail SLOT_UNVERIFIABLE "the slot's manifest signs no verity map"; return 1; }
    vf_get vf_alg .verity.algorithm t && vf_get vf_dbs .verity.data_block_size u \
        && vf_get vf_hbs .verity.hash_block_size u && vf_get vf_data .verity.data_size u \
        && vf_get vf_tree .verity.tree_offset u && vf_get vf_salt .verity.salt b \
        && vf_get vf_rooth .verity.root_hash b || return 1
    [ "$vf_alg" = sha256 ] && [ "$vf_dbs" = 4096 ] && [ "$vf_hbs" = 4096 ] && [ ${#vf_salt} -eq 64 ] && [ ${#vf_rooth} -eq 64 ] \
        && [ "$vf_data" -gt 0 ] && [ $((vf_data % 4096)) -eq 0 ] && [ "$vf_tree" -ge "$vf_data" ] && [ $((vf_tree % 4096)) -eq 0 ] \
        || { vf_fail SCHEMA_VIOLATION "verity map: $vf_alg, blocks $vf_dbs/$vf_hbs, data $vf_data at tree $vf_tree, salt and root of 32 bytes"; return 1; }
    [ "$vf_salt" = "$VF_SALT" ] || { vf_fail VERITY_SALT_MISMATCH "the signed salt is not the product's"; return 1; }
    vf_blocks=$((vf_data / 4096))
    # The top hash block (the data block itself when there is one): sha256(salt || block) is the root.
    if [ $vf_blocks -eq 1 ]; then vf_top=0; else vf_top=$((vf_tree / 4096)); fi
    dd if="$1" of="$vf_work/top" bs=4096 skip=$vf_top count=1 2>/dev/null
    vf_got=$( { echo "$vf_salt" | xxd -r -p; cat "$vf_work/top"; } | vf_sha256)
    [ "$(stat -c %s "$vf_work/top")" = 4096 ] && [ "$vf_got" = "$vf_rooth" ] \
        || { vf_fail VERITY_ROOT_MISMATCH "the slot's top hash block does not hash to the signed root hash"; return 1; }
    VERIFY_SCOPE=
    VERIFY_TABLE="0 $((vf_data / 512)) verity 1 $1 $1 4096 4096 $vf_blocks $((vf_tree / 4096)) sha256 $vf_rooth $vf_salt"
}
