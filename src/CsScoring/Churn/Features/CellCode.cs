using System.Runtime.CompilerServices;

namespace CsScoring.Churn.Features;

/// <summary>What a profiled cell is, in 4 bytes: its entry among the column's distinct values, else the number it
/// read as (a float, which is all a feature keeps), a date's day number, missing, NaN text, not finite, or other
/// text.</summary>
/// <remarks>
/// A number is stored as its float bits. Numbers read from cells are finite and at most
/// <see cref="Data.TabularReadOptions.MaxMagnitude"/>, so they never use the float's all-ones exponent, which
/// leaves the infinities and NaN payloads free for the other cases (NaN boxing): the positive sign holds a day
/// number, the negative sign the markers and entry indexes.
/// </remarks>
internal static class CellCode
{
    private const uint Special = 0x7F80_0000;
    private const uint DateTag = 0x7F80_0000;
    private const uint OtherTag = 0xFF80_0000;
    private const uint FirstEntry = 16;

    public const uint Missing = OtherTag;
    public const uint NotFinite = OtherTag | 1;
    public const uint OtherText = OtherTag | 2;

    /// <summary>Text a number parse reads as NaN ("Nan") that is not a missing-value marker.</summary>
    public const uint NaNText = OtherTag | 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Entry(int index) => OtherTag | (FirstEntry + (uint)index);

    public static uint Number(double value) => BitConverter.SingleToUInt32Bits((float)value);

    // Day numbers run to 3,652,058 (9999-12-31): within the 23 payload bits, shifted by one to stay off infinity.
    public static uint Date(int dayNumber) => DateTag | (uint)(dayNumber + 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNumber(uint code) => (code & Special) != Special;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsEntry(uint code) => code >= OtherTag + FirstEntry;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EntryIndex(uint code) => (int)(code - OtherTag - FirstEntry);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDate(uint code) => (code & 0xFF80_0000) == DateTag;

    public static int DayNumber(uint code) => (int)(code & 0x007F_FFFF) - 1;

    public static float NumberValue(uint code) => BitConverter.UInt32BitsToSingle(code);
}
