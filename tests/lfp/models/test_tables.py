"""Layer tables: the thesis's output sizes (Tables 4.1-4.4, with our typo fixes), mirrors, size errors."""

import pytest

from calciumgan.core.errors import ConfigError
from lfp.models.tables import (
    COMBINATION_NET,
    DEMO_IMAGE_ENCODER,
    RANDOM_INPUT_NET,
    SIGNAL_ENCODER,
    THESIS_IMAGE_ENCODER,
    ConvLayer,
    image_encoder_table,
    mirror_table,
    table_sizes,
)

TABLE_4_1_ENCODER = [310, 277, 261, 192, 169, 165, 153, 134, 115]
TABLE_4_2_ENCODER = [(475, 603), (228, 292), (199, 263), (130, 194), (115, 165), (86, 136), (72, 122), (34, 59),
                     (15, 40), (6, 31), (5, 23)]  # fmt: skip
TABLE_4_4 = [101, 76, 47, 46, 42, 39, 38, 24]


def _lengths(sizes):
    return [size[0] for size in sizes]


def test_signal_encoder_and_random_input_net_follow_table_4_1_and_the_fixed_table_4_3():
    assert _lengths(table_sizes(SIGNAL_ENCODER, (313,), name="s", positions=115)) == TABLE_4_1_ENCODER
    assert _lengths(table_sizes(RANDOM_INPUT_NET, (313,), name="r", positions=115)) == TABLE_4_1_ENCODER
    assert [layer.filters for layer in RANDOM_INPUT_NET] == [4, 5, 4, 3, 5, 6, 5, 7, 10]


def test_printed_random_input_kernel_30_would_end_at_125():
    printed = (RANDOM_INPUT_NET[0], ConvLayer(5, 30, 1, 3)) + RANDOM_INPUT_NET[2:]
    assert _lengths(table_sizes(printed, (313,), name="r"))[1::7] == [287, 125]


def test_combination_net_follows_table_4_4():
    assert _lengths(table_sizes(COMBINATION_NET, (115,), name="c")) == TABLE_4_4
    assert COMBINATION_NET[-1].filters == 1


def test_thesis_image_encoder_follows_table_4_2_with_199():
    assert list(table_sizes(THESIS_IMAGE_ENCODER, (918, 1174), name="i", positions=115)) == TABLE_4_2_ENCODER


def test_demo_image_encoder_is_small_and_ends_at_5_x_23_x_2():
    assert table_sizes(DEMO_IMAGE_ENCODER, (48, 64), name="d", positions=115)[-1] == (5, 23)
    assert len(DEMO_IMAGE_ENCODER) <= 5 and DEMO_IMAGE_ENCODER[-1].filters == 2
    assert max(max(layer.per_axis(2)[1]) for layer in DEMO_IMAGE_ENCODER) <= 2


def test_signal_decoder_is_table_4_1_right():
    decoder = mirror_table(SIGNAL_ENCODER, (313,), 22, name="s")
    assert [layer.filters for layer in decoder] == [11, 12, 13, 14, 15, 16, 18, 20, 22]
    assert [layer.kernel[0] for layer in decoder] == [20, 20, 13, 5, 24, 70, 25, 40, 10]
    assert [layer.padding[0] for layer in decoder] == [0, 0, 0, 0, 0, 0, 4, 3, 3]
    assert {layer.output_padding for layer in decoder} == {(0,)}


def test_thesis_image_decoder_needs_output_padding_1_at_its_stride_2_layers_4_and_10():
    decoder = mirror_table(THESIS_IMAGE_ENCODER, (918, 1174), 1, name="i")
    padded = [index for index, layer in enumerate(decoder, start=1) if layer.output_padding != (0, 0)]
    assert padded == [4, 10] and decoder[3].output_padding == decoder[9].output_padding == (1, 1)
    assert [layer.filters for layer in decoder] == [4, 5, 6, 3, 2, 3, 5, 4, 2, 4, 1]


@pytest.mark.parametrize(
    "table, size, positions, message",
    [
        (SIGNAL_ENCODER, (100,), None, "s layer 4 (kernel 70, stride 1, padding 0): maps 48 to -21"),
        (DEMO_IMAGE_ENCODER, (64, 64), 115, "s: ends at 7 x 23 = 161 positions from input 64 x 64, but the code"),
        ((ConvLayer(2, (2, 9)),), (50,), None, "s layer 1 (kernel 2 x 9, stride 1, padding 0): needs 1 positive"),
        ((ConvLayer(2, 3, 0),), (50,), None, "s layer 1 (kernel 3, stride 0, padding 0): needs 1 positive"),
    ],
)
def test_bad_sizes_are_one_line_errors_naming_the_layer(table, size, positions, message):
    with pytest.raises(ConfigError) as error:
        table_sizes(table, size, name="s", positions=positions)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_image_tables_by_name():
    assert image_encoder_table("thesis") == ("image encoder 'thesis'", THESIS_IMAGE_ENCODER)
    assert image_encoder_table(list(DEMO_IMAGE_ENCODER)) == ("image encoder", DEMO_IMAGE_ENCODER)
    with pytest.raises(ConfigError, match="^model.image_encoder 'big' is not one of thesis, demo$"):
        image_encoder_table("big")
