namespace MaskRcnn.Models;

/// <summary>How a downloaded file was checked.</summary>
public enum VerificationStatus
{
    /// <summary>No checksum was known: the file was not verified. Its SHA-256 is reported so you can pin it.</summary>
    Unverified,

    /// <summary>The file matched a published SHA-1 sum.</summary>
    Sha1Verified,

    /// <summary>The file matched a known SHA-256 sum.</summary>
    Sha256Verified,
}
