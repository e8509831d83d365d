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
#   ROOTS_DIR      the anchored roots, *.pub (PEM SPKI): the initramfs' own keyring, with their key
#                  ids in ROOTS_DIR/$VF_ROOT_IDS (written by the image build)
#   WORK           an empty scratch directory
# Chain: anchored root -> admission record (signature checked before a byte of it is parsed) ->
# admitted release key(s) under the record's witness mode (revocation wins) -> the manifest ->
# its signed verity map -> the slot's top hash block hashes to the signed root hash.
# Returns 0 with VERIFY_TABLE (the dmsetup table line, VerityParams.dmTable's form), or 1 with
# VERIFY_CODE (a io.trialboot.core.Code name), VERIFY_WHY, and VERIFY_SCOPE: "chain" when the
# anchor or the admission record failed (no slot can be checked; the slot is not to blame), else
# "slot". Nothing unverified is ever set.
#
# verify_begin ADMISSION_DIR ROOTS_DIR WORK
#   Begins the chain early (stage 0: as soon as /state is mounted, beside the modules and
#   bootselect): reads the roots' ids, finds the record in force and its root signer, and starts the
#   openssl run that checks that signature in the background. Nothing of the record is parsed, and
#   nothing of the outcome is used, until verify_slot has waited for that run; verify_slot then
#   ignores its own ADMISSION_DIR and ROOTS_DIR. Without it, verify_slot begins the chain itself.
#   Once ended, the chain's outcome (good or refused) serves every later verify_slot.
#
# verify_verdict SLOT
#   After a verify_slot of SLOT returned 0 (and /init mapped it): prints stage 0's verdict for the
#   guest (docs/verified-boot.md#stage-0s-verdict), the admission record's file, the SHA-256 of
#   the exact bytes openssl verified, their root, SLOT and its signed root hash.
# Written for few processes (docs/verified-boot.md#costs): every fork costs under emulation, and
# each openssl run loads libcrypto. The roots' ids come with them, each file is read once by od and
# one awk writing into WORK (no command substitution, a subshell more each), a signature file's
# bound is od's (no stat), key ids come from one sha256sum per key set, lookups are the shell's
# own, and the signatures', the keys' and the salt's bytes are written by the shell's printf.

# The constants, VF_<NAME>='<value>' lines rendered at build time (VerifyScript.constants): the
# product's verity salt (VF_VERITY_SALT), the schema ids, the domain, trialboot.sig/1 exactly as
# SignatureFile.encode writes it (VF_SIG_HEAD, the head up to the array, then per entry
# VF_SIG_KEY, the bytes before the 8-byte key id, and VF_SIG_SIG, between it and the 64-byte
# signature) and the bounds of io.trialboot.core.Bounds (documents, signature files, key files,
# keys, signatures).
@CONSTANTS@
# DER SubjectPublicKeyInfo of an Ed25519 key, before its 32 raw bytes, as printf escapes.
VF_SPKI_BYTES='\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'

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

# vf_escapes HEX: vf_esc, the printf escapes (\xHH each) of HEX's bytes. HEX is od's hex (from
# vf_read), so the only format characters in vf_esc are the escapes.
vf_escapes() {
    vf_esc= vf_h=$1
    while [ -n "$vf_h" ]; do
        vf_esc="$vf_esc\\x${vf_h%"${vf_h#??}"}"
        vf_h=${vf_h#??}
    done
}

# vf_sigs FILE OUT: the entries of a signature file, after an exact-layout check (nothing in a
# file of another layout is used): vf_sig_n, and for i = 1..vf_sig_n vf_sig_id_<i>, the key id (16
# hex digits), and vf_sig_<i>, the printf escapes of the 64 signature bytes (\xHH each: vf_check
# writes it with the shell's printf, not a fork of xxd). awk writes them as assignments into OUT,
# which the shell sources: the shell's read takes a system call a byte, about 45 us each under
# emulation, and an entry is 270 bytes. od reads at most one byte more than the bound, and a file
# longer than the bound is refused before anything of it is used.
vf_sigs() {
    [ -f "$1" ] || { vf_fail HOST_NOT_FOUND "signature file $1 is missing"; return 1; }
    od -An -tx1 -v -N $((VF_SIG_BYTES + 1)) "$1" | awk -v head="$VF_SIG_HEAD" -v kp="$VF_SIG_KEY" -v sp="$VF_SIG_SIG" \
            -v max="$VF_SIGNATURES" -v bound="$VF_SIG_BYTES" '
        BEGIN { sq = sprintf("%c", 39) }
        { for (i = 1; i <= NF; i++) h = h $i }
        END {
            if (length(h) > 2 * bound) exit 2
            size = length(kp) + 16 + length(sp) + 128
            if (substr(h, 1, length(head)) != head || length(h) < length(head) + 2) exit 1
            n = int((length(h) - length(head) - 2) / size)
            if (n > max || length(h) != length(head) + 2 + n * size) exit 1
            if (substr(h, length(head) + 1, 2) != sprintf("%02x", 128 + n)) exit 1
            for (i = 0; i < n; i++) {
                e = substr(h, length(head) + 3 + i * size, size)
                if (substr(e, 1, length(kp)) != kp || substr(e, length(kp) + 17, length(sp)) != sp) exit 1
                s = substr(e, length(kp) + length(sp) + 17, 128); x = ""
                for (j = 1; j < 128; j += 2) x = x "\\x" substr(s, j, 2)
                print "vf_sig_id_" (i + 1) "=" substr(e, length(kp) + 1, 16)
                print "vf_sig_" (i + 1) "=" sq x sq
            }
            print "vf_sig_n=" n
        }' > "$2"
    case $? in
        0) . "$2"; return 0 ;;
        2) vf_fail HOST_INPUT_OVERSIZE "signature file $1 has more than $VF_SIG_BYTES bytes" ;;
        *) vf_fail SIG_LAYOUT_INVALID "signature file $1 is not the exact trialboot.sig/1 layout" ;;
    esac
}

# vf_check KEYFILE FORM CONTENT SIG: openssl verifies the Ed25519 signature over CONTENT. SIG is
# vf_sigs' escapes: the only format characters in it are the \xHH its awk wrote from od's hex.
vf_check() {
    printf "$4" > "$vf_work/sig" || return 1
    openssl pkeyutl -verify -pubin -inkey "$1" -keyform "$2" -rawin -in "$3" -sigfile "$vf_work/sig" >/dev/null 2>&1
}

# vf_read FILE WHAT SPEC [strict]: one pass over a signed document (only ever run on bytes whose
# signature has verified). The reader takes canonical CBOR only: shortest heads, definite
# lengths, keys text ([a-z0-9_]) in canonical order, no duplicates, depth and sizes bounded,
# nothing after the item; nothing else (tags, negatives, floats) is accepted. A failure gives its
# CBOR code. SPEC names the fields to set, "VAR:PATH:TYPE" (u uint, b bytes as hex, t ASCII
# text, T bool, a/m array/map with its count as value), or "VAR:PATH.#:b:HEXLEN" for an array
# of byte strings (VAR gets them space-separated, VAR_bad=1 when one is of another type or
# size). Sets vf_missing to the first SPEC field missing or of another type ("PATH TYPE"), and
# with "strict", vf_extra to the paths SPEC does not name.
vf_read() {
    od -An -tx1 -v "$1" | awk -v spec="$3" -v strict="$4" '
    BEGIN { for (i = 0; i < 256; i++) byte[sprintf("%02x", i)] = i; sq = sprintf("%c", 39) }
    function fail(code, why) { print "!", code, why; exit 1 }
    function child(path) { return path == "." ? "." : path "." }
    function put(path, type, value) { T[path] = type; V[path] = value; P[np++] = path }
    function q(s,   n, parts, i, r) { n = split(s, parts, sq); r = parts[1]; for (i = 2; i <= n; i++) r = r sq "\\" sq sq parts[i]; return sq r sq }
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
        if (major == 0) { put(path, "u", sprintf("%.0f", v)); return }
        if (major == 2 || major == 3) {
            if (v > 16384) fail("HOST_INPUT_OVERSIZE", "string of " v " bytes at " path)
            if (pos + v > len) fail("CBOR_TRUNCATED", "string at " path " ends beyond the input")
            s = substr(h, 2 * pos + 1, 2 * v); pos += v
            if (major == 2) { put(path, "b", s); return }
            t = ""
            for (i = 0; i < v; i++) {
                k = byte[substr(s, 2 * i + 1, 2)]
                if (k < 33 || k > 126) fail("CBOR_UNSUPPORTED", "text at " path " is not printable ASCII")
                t = t sprintf("%c", k)
            }
            put(path, "t", t); return
        }
        if (major == 4 || major == 5) {
            if (v > 1024) fail("HOST_INPUT_OVERSIZE", v " items at " path)
            if (v > len - pos) fail("CBOR_TRUNCATED", v " items at " path " but " len - pos " bytes left")
            put(path, (kind == 4 ? "a" : "m"), v)
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
        if (major == 7 && (v == 20 || v == 21)) { put(path, "T", (v == 21 ? "true" : "false")); return }
        fail("CBOR_UNSUPPORTED", "major type " major " at " path)
    }
    { for (i = 1; i <= NF; i++) h = h $i }
    END {
        if (h == "") fail("CBOR_TRUNCATED", "empty input")
        len = length(h) / 2; pos = 0; item("", 1)
        if (pos != len) fail("CBOR_TRAILING_BYTES", len - pos " bytes after the item")
        known["."] = 1; missing = ""
        n = split(spec, S, " ")
        for (i = 1; i <= n; i++) {
            split(S[i], f, ":"); p = f[2]
            if (p !~ /\.#$/) {
                known[p] = 1
                if ((p in T) && T[p] == f[3]) print f[1] "=" q(V[p])
                else if (missing == "") missing = p " " f[3]
                continue
            }
            p = substr(p, 1, length(p) - 2); known[p] = 1; list = ""; bad = (p in T) && T[p] != "a"
            for (j = 0; (p "." j) in T; j++) {
                known[p "." j] = 1
                if (T[p "." j] != f[3] || length(V[p "." j]) != f[4]) bad = 1
                else list = list (j ? " " : "") V[p "." j]
            }
            print f[1] "=" q(list); print f[1] "_bad=" bad
        }
        print "vf_missing=" q(missing)
        if (!strict) exit 0
        extra = ""
        for (i = 0; i < np; i++) if (!(P[i] in known)) extra = extra " " P[i]
        print "vf_extra=" q(extra)
    }' > "$vf_work/read.sh" || {
        vf_out=
        read -r vf_out < "$vf_work/read.sh"
        vf_out=${vf_out#! }
        vf_fail "${vf_out%% *}" "$2: ${vf_out#* }"
        return 1
    }
    . "$vf_work/read.sh"
}

# vf_is_id ID: whether ID is a key id, exactly 16 lowercase hex digits (KeyId's form). Only such an
# id ever becomes part of a variable's name (vf_root_<id>, vf_key_<id>).
vf_is_id() {
    case "$1" in
        *[!0-9a-f]*) return 1 ;;
        ????????????????) return 0 ;;
    esac
    return 1
}

# vf_lookup KIND ID: VF_FOUND, the value of vf_<KIND>_<ID> (root: an anchored root's PEM file, set
# by vf_roots; key: an admitted key's raw hex, set by vf_ids), or empty. A variable, not a table read
# line by line: the shell reads a byte a system call. An ID that is not a key id (vf_is_id) is found
# nowhere.
vf_lookup() {
    VF_FOUND=
    vf_is_id "$2" || return 0
    eval "VF_FOUND=\${vf_$1_$2-}"
}

# vf_ids PREFIX COUNT: vf_key_<key id>, the raw hex vf_raw_<i>, per raw key file PREFIX.<i>,
# i = 1..COUNT (the key id is the first 8 bytes of the key's SHA-256, KeyId's rule), from one
# sha256sum.
vf_ids() {
    [ "$2" -gt 0 ] || return 0
    vf_files=
    vf_j=0
    while [ $vf_j -lt "$2" ]; do vf_j=$((vf_j + 1)); vf_files="$vf_files$1.$vf_j
"; done
    vf_ifs=$IFS
    IFS='
'
    sha256sum $vf_files > "$1.ids"
    vf_j=$?
    IFS=$vf_ifs
    [ $vf_j -eq 0 ] || { vf_fail HOST_IO_ERROR "cannot hash the keys"; return 1; }
    while read -r vf_sum vf_file; do
        vf_id=${vf_sum%"${vf_sum#????????????????}"}
        vf_is_id "$vf_id" || { vf_fail HOST_IO_ERROR "cannot hash the keys"; return 1; }
        eval "vf_key_$vf_id=\$vf_raw_${vf_file##*.}"
    done < "$1.ids"
}

# vf_roots DIR: vf_root_<id>, the PEM file of each anchored root (VF_ROOTS, their ids), from
# DIR/$VF_ROOT_IDS: the image
# build wrote it beside the roots (VerifyScript.rootIds), one "<key id> <file name>" line a root,
# after it refused any root that is not exactly the PEM of an Ed25519 SubjectPublicKeyInfo. The
# roots are the initramfs' own, as fixed as this script: nothing about them changes between the
# build and a boot, so no boot hashes them again (a base64, a stat and a sha256sum less).
vf_roots() {
    VF_ROOTS=
    [ -f "$1/$VF_ROOT_IDS" ] || { vf_fail HOST_NOT_FOUND "no anchored root in $1 (no $VF_ROOT_IDS)"; return 1; }
    while read -r vf_id vf_f; do
        vf_is_id "$vf_id" || { vf_fail KEY_FORMAT "$1/$VF_ROOT_IDS names a key id that is not 16 hex digits"; return 1; }
        eval "vf_root_$vf_id=\$1/\$vf_f"
        VF_ROOTS="$VF_ROOTS $vf_id"
    done < "$1/$VF_ROOT_IDS"
    [ -n "$VF_ROOTS" ] || { vf_fail HOST_NOT_FOUND "no anchored root in $1"; return 1; }
}

# vf_admission_start DIR: the record in force (the newest admission/<seq>/ of six digits, as
# AdmissionLedger.latest picks it, else the factory's) and the first of its signatures by an
# anchored root; starts, in the background (VF_ADM_PID), a copy of the record into WORK, openssl
# checking the signature over that copy and its SHA-256: every later step reads the copy, so what
# was parsed, what was hashed for the verdict and what openssl checked are the same bytes.
# vf_admission_end waits for it before a byte of the record is parsed. Sets VF_ADM_FILE (the
# record's file under DIR), VF_ADM_ROOT (its signer) and VF_ADM_COPY (the copy).
vf_admission_start() {
    vf_seq=
    for vf_d in "$1"/[0-9][0-9][0-9][0-9][0-9][0-9]; do
        [ -d "$vf_d" ] && vf_seq=${vf_d##*/}
    done
    vf_dir=$1
    VF_ADM_FILE=dam.cbor
    [ -z "$vf_seq" ] || { vf_dir=$1/$vf_seq; VF_ADM_FILE=$vf_seq/dam.cbor; }
    vf_sigs "$vf_dir/dam.sig" "$vf_work/dam.sig.sh" || return 1
    vf_size "$vf_dir/dam.cbor" "$VF_DOC_BYTES" "admission record" || return 1
    vf_signer=
    vf_i=0
    while [ $vf_i -lt "$vf_sig_n" ]; do
        vf_i=$((vf_i + 1))
        eval "vf_id=\$vf_sig_id_$vf_i vf_sig=\$vf_sig_$vf_i"
        vf_lookup root "$vf_id"
        [ -n "$VF_FOUND" ] || continue
        vf_signer=$vf_id
        break
    done
    [ -n "$vf_signer" ] || { vf_fail ADMISSION_NOT_ROOT_SIGNED "admission record $vf_dir/dam.cbor is not signed by an anchored root"; return 1; }
    VF_ADM_ROOT=$vf_signer
    VF_ADM_COPY=$vf_work/dam.cbor
    { cp "$vf_dir/dam.cbor" "$VF_ADM_COPY" && vf_check "$VF_FOUND" PEM "$VF_ADM_COPY" "$vf_sig" \
        && sha256sum "$VF_ADM_COPY" > "$VF_ADM_COPY.sha256"; } &
    VF_ADM_PID=$!
}

# vf_admission_end: waits for vf_admission_start's openssl run; only a record whose signature
# verified is read. Sets VF_WITNESS, VF_THRESHOLD, vf_key_<id> (each admitted key's raw hex), VF_REVOKED
# (" id id "), VF_COMPATIBLE, VF_POLICY, and VF_ADM_SHA256, the SHA-256 of the bytes openssl checked.
vf_admission_end() {
    wait "$VF_ADM_PID" || { vf_fail SIG_INVALID "admission record signature by root $VF_ADM_ROOT does not verify"; return 1; }
    VF_ADM_SHA256=
    read -r VF_ADM_SHA256 _ < "$VF_ADM_COPY.sha256"
    [ ${#VF_ADM_SHA256} -eq 64 ] || { vf_fail HOST_IO_ERROR "cannot hash the admission record"; return 1; }
    vf_schema=
    vf_read "$VF_ADM_COPY" "admission record" "vf_schema:.schema:t vf_domain:.domain:t VF_COMPATIBLE:.compatible:t \
VF_POLICY:.policy:b VF_WITNESS:.witness:t VF_THRESHOLD:.threshold:u vf_keys:.keys.#:b:64 vf_rev:.revoked.#:b:16" strict \
        || return 1
    case "$vf_missing" in .schema\ *) vf_fail SCHEMA_VIOLATION "field $vf_missing is missing or of another type"; return 1 ;; esac
    [ "$vf_schema" = "$VF_ADMISSION_SCHEMA" ] || { vf_fail SCHEMA_MISMATCH "admission record schema is not $VF_ADMISSION_SCHEMA"; return 1; }
    [ -z "$vf_extra" ] || { vf_fail SCHEMA_VIOLATION "admission record has unknown field(s):$vf_extra"; return 1; }
    [ -z "$vf_missing" ] || { vf_fail SCHEMA_VIOLATION "field $vf_missing is missing or of another type"; return 1; }
    [ "$vf_domain" = "$VF_DOMAIN" ] || { vf_fail HOST_ADMISSION_REJECTED "admission record is not for domain $VF_DOMAIN"; return 1; }
    [ "$vf_keys_bad$vf_rev_bad" = 00 ] && [ ${#VF_POLICY} -eq 64 ] \
        || { vf_fail SCHEMA_VIOLATION "admission record keys, revoked ids or policy have the wrong size"; return 1; }
    VF_REVOKED=" $vf_rev "
    vf_nkeys=0
    for vf_raw in $vf_keys; do
        vf_nkeys=$((vf_nkeys + 1))
        vf_escapes "$vf_raw"
        printf "$vf_esc" > "$vf_work/key.$vf_nkeys"
        eval "vf_raw_$vf_nkeys=\$vf_raw"
    done
    case "$VF_WITNESS" in
        single-witness|self-authority) [ "$VF_THRESHOLD" = 1 ] ;;
        quorum-witness) [ "$VF_THRESHOLD" -ge 1 ] && [ "$VF_THRESHOLD" -le "$vf_nkeys" ] ;;
        *) false ;;
    esac || { vf_fail SCHEMA_VIOLATION "witness '$VF_WITNESS' with threshold $VF_THRESHOLD"; return 1; }
    case "$VF_REVOKED" in
        *" $VF_ADM_ROOT "*) vf_fail ADMISSION_REVOKES_SIGNER "admission record revokes $VF_ADM_ROOT, the root that signed it"; return 1 ;;
    esac
    vf_ids "$vf_work/key" $vf_nkeys || return 1
}

# vf_witness FILE: FILE.sig meets the witness mode (Trust.verify's rule, per signature in order:
# revoked, admitted, root under self-authority, root, unknown). Sets VF_SIGNERS (" id id ").
vf_witness() {
    vf_sigs "$1.sig" "$vf_work/witness.sh" || return 1
    VF_SIGNERS=" "
    vf_valid=0
    vf_first=
    vf_outcomes=
    vf_i=0
    while [ $vf_i -lt "$vf_sig_n" ]; do
        vf_i=$((vf_i + 1))
        eval "vf_id=\$vf_sig_id_$vf_i vf_sig=\$vf_sig_$vf_i"
        vf_lookup key "$vf_id"
        vf_raw=$VF_FOUND
        vf_lookup root "$vf_id"
        vf_root=$VF_FOUND
        case "$VF_REVOKED" in *" $vf_id "*) vf_out=KEY_REVOKED ;; *) vf_out= ;; esac
        if [ -n "$vf_out" ]; then
            :
        elif [ -n "$vf_raw" ]; then
            vf_escapes "$vf_raw"
            printf "$VF_SPKI_BYTES$vf_esc" > "$vf_work/key.der"
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
        case "$vf_out$VF_SIGNERS" in
            HOST_OK*" $vf_id "*) ;;
            HOST_OK*)
                VF_SIGNERS="$VF_SIGNERS$vf_id "
                vf_valid=$((vf_valid + 1))
                [ $vf_valid -lt "$VF_THRESHOLD" ] || return 0 ;;
        esac
    done
    [ -n "$vf_first" ] || { vf_fail SIG_MISSING "$1 carries no signature"; return 1; }
    [ "$VF_THRESHOLD" -ne 1 ] || { vf_fail "$vf_first" "$1:$vf_outcomes"; return 1; }
    vf_fail QUORUM_NOT_MET "$1: $vf_valid distinct valid admitted signer(s), $VF_WITNESS needs $VF_THRESHOLD;$vf_outcomes"
}

verify_begin() {
    vf_work=$3
    VF_CHAIN=begun
    vf_roots "$2" && vf_admission_start "$1" && return 0
    VF_CHAIN=refused VF_CHAIN_CODE=$VERIFY_CODE VF_CHAIN_WHY=$VERIFY_WHY
}

# vf_chain_end: the chain's outcome, ended once: waits for the admission record's check and reads
# the record; a refusal is kept with its code and reason for every later call.
vf_chain_end() {
    case "$VF_CHAIN" in
        ok) return 0 ;;
        refused) VERIFY_CODE=$VF_CHAIN_CODE VERIFY_WHY=$VF_CHAIN_WHY; return 1 ;;
    esac
    if vf_admission_end; then
        VF_CHAIN=ok
        return 0
    fi
    VF_CHAIN=refused VF_CHAIN_CODE=$VERIFY_CODE VF_CHAIN_WHY=$VERIFY_WHY
    return 1
}

verify_slot() {
    VERIFY_TABLE= VERIFY_ROOT_HASH= VERIFY_CODE= VERIFY_WHY= VERIFY_SCOPE=chain
    [ -n "$VF_CHAIN" ] || verify_begin "$3" "$4" "$5"
    vf_work=$5
    vf_chain_end || return 1
    VERIFY_SCOPE=slot
    [ -f "$2" ] || { vf_fail SLOT_UNVERIFIABLE "no signed manifest kept for the slot at $2"; return 1; }
    vf_size "$2" "$VF_DOC_BYTES" "release manifest" && vf_witness "$2" || return 1
    vf_schema=
    vf_read "$2" "release manifest" "vf_schema:.schema:t vf_signer:.signer:b vf_compatible:.compatible:t \
vf_policy:.policy:b vf_map:.verity:m vf_alg:.verity.algorithm:t vf_dbs:.verity.data_block_size:u \
vf_hbs:.verity.hash_block_size:u vf_data:.verity.data_size:u vf_tree:.verity.tree_offset:u vf_salt:.verity.salt:b \
vf_rooth:.verity.root_hash:b" || return 1
    case "$vf_missing" in
        .schema\ *) vf_fail SCHEMA_VIOLATION "field $vf_missing is missing or of another type"; return 1 ;;
    esac
    [ "$vf_schema" = "$VF_MANIFEST_SCHEMA" ] || { vf_fail SCHEMA_MISMATCH "release manifest schema is not $VF_MANIFEST_SCHEMA"; return 1; }
    case "$vf_missing" in
        .signer\ *|.compatible\ *|.policy\ *) vf_fail SCHEMA_VIOLATION "field $vf_missing is missing or of another type"; return 1 ;;
    esac
    case "$VF_SIGNERS" in
        *" $vf_signer "*) ;;
        *) vf_fail SIGNER_MISMATCH "the manifest's named signer is not among its valid signers"; return 1 ;;
    esac
    [ "$vf_compatible" = "$VF_COMPATIBLE" ] || { vf_fail COMPATIBLE_MISMATCH "release is not for $VF_COMPATIBLE"; return 1; }
    [ "$vf_policy" = "$VF_POLICY" ] || { vf_fail POLICY_MISMATCH "release expects another update policy"; return 1; }
    [ "$vf_missing" != ".verity m" ] || { vf_fail SLOT_UNVERIFIABLE "the slot's manifest signs no verity map"; return 1; }
    [ -z "$vf_missing" ] || { vf_fail SCHEMA_VIOLATION "field $vf_missing is missing or of another type"; return 1; }
    [ "$vf_alg" = sha256 ] && [ "$vf_dbs" = 4096 ] && [ "$vf_hbs" = 4096 ] && [ ${#vf_salt} -eq 64 ] && [ ${#vf_rooth} -eq 64 ] \
        && [ "$vf_data" -gt 0 ] && [ $((vf_data % 4096)) -eq 0 ] && [ "$vf_tree" -ge "$vf_data" ] && [ $((vf_tree % 4096)) -eq 0 ] \
        || { vf_fail SCHEMA_VIOLATION "verity map: $vf_alg, blocks $vf_dbs/$vf_hbs, data $vf_data at tree $vf_tree, salt and root of 32 bytes"; return 1; }
    [ "$vf_salt" = "$VF_VERITY_SALT" ] || { vf_fail VERITY_SALT_MISMATCH "the signed salt is not the product's"; return 1; }
    vf_blocks=$((vf_data / 4096))
    # The top hash block (the data block itself when there is one): sha256(salt || block) is the root.
    if [ $vf_blocks -eq 1 ]; then vf_top=0; else vf_top=$((vf_tree / 4096)); fi
    # The salt is the product's (checked above), so its bytes are the constant's; the digest is read
    # from a file, not a command substitution (a fork each). A block cut short by the end of the
    # slot cannot hash to the signed root hash either.
    printf "$VF_VERITY_SALT_BYTES" > "$vf_work/top" \
        && dd if="$1" bs=4096 skip=$vf_top count=1 2>/dev/null >> "$vf_work/top" \
        && sha256sum < "$vf_work/top" > "$vf_work/top.sha256" && read -r vf_got _ < "$vf_work/top.sha256" \
        && [ "$vf_got" = "$vf_rooth" ] \
        || { vf_fail VERITY_ROOT_MISMATCH "the slot's top hash block does not hash to the signed root hash"; return 1; }
    VERIFY_SCOPE=
    VERIFY_ROOT_HASH=$vf_rooth
    VERIFY_TABLE="0 $((vf_data / 512)) verity 1 $1 $1 4096 4096 $vf_blocks $((vf_tree / 4096)) sha256 $vf_rooth $vf_salt"
}

# verify_verdict SLOT: prints stage 0's verdict (io.trialboot.trust.Stage0Verdict, VF_VERDICT_FORMAT)
# for SLOT, the slot the last verify_slot verified and /init then mapped: the admission record in
# force as the chain verified it (its file, the SHA-256 of the bytes openssl checked, the anchored
# root that signed them) and the slot's signed root hash. Prints nothing and returns 1 unless the
# chain and a slot verified.
verify_verdict() {
    [ "$VF_CHAIN" = ok ] && [ -n "$VERIFY_ROOT_HASH" ] && [ -n "$VERIFY_TABLE" ] && [ ${#VF_ADM_SHA256} -eq 64 ] || return 1
    printf "$VF_VERDICT_FORMAT" "$VF_ADM_FILE" "$VF_ADM_SHA256" "$VF_ADM_ROOT" "$1" "$VERIFY_ROOT_HASH"
}
