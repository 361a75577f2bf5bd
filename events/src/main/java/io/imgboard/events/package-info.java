/**
 * The contract between the img-board services: event records and topic names. No framework and no
 * logic; changes are additive only, and the golden JSON files under src/test/resources/golden guard
 * the wire format.
 */
package io.imgboard.events;
