package io.imgboard.preprocessor.config;

import io.imgboard.preprocessor.imaging.RenditionSize;
import org.eclipse.microprofile.config.spi.Converter;

/** {@code display=1920x1080@82} → {@link RenditionSize}; a bad value stops start-up with the reason. */
public class RenditionSizeConverter implements Converter<RenditionSize> {

    @Override
    public RenditionSize convert(String value) {
        return RenditionSize.parse(value);
    }
}
