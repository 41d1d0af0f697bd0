namespace CsScoring.Segmentation;

/// <summary>How customer success serves an account.</summary>
public enum TouchModel
{
    /// <summary>Automated, one-to-many: the long tail of small accounts.</summary>
    TechTouch = 0,

    /// <summary>Pooled CSMs, one-to-few: the middle tier.</summary>
    LowTouch = 1,

    /// <summary>A dedicated CSM: the highest-value tier.</summary>
    HighTouch = 2,
}
