package io.imgboard.display.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/** {@link ReadPositions} of frames' bag positions ({@code imgboard.frame-bags}). */
@ApplicationScoped
@Identifier(Channels.FRAME_BAGS_READING)
public class BagsReading extends ReadPositions {
}
