/**
 * The contract between the img-board services: event records and topic names. No framework; the only
 * logic is the few rules every service must answer alike about the values it carries (a rendition's
 * object key, what a rendition spec may be). Changes are additive only, and the golden JSON files
 * under src/test/resources/golden guard the wire format.
 */
package io.imgboard.events;
