/**
 * The strict, dependency-free CBOR codec of trialboot's signed metadata (RFC 8949 core
 * deterministic encoding). Start with {@link io.trialboot.format.cbor.Cbor}; documents are read
 * field by field through {@link io.trialboot.format.cbor.Fields}.
 */
package io.trialboot.format.cbor;
