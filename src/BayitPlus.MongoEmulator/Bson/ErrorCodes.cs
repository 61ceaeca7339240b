namespace BayitPlus.MongoEmulator.Bson;

/// <summary>The subset of MongoDB's server error codes the emulator answers with.</summary>
public static class ErrorCodes
{
    public const int InternalError = 1;
    public const int BadValue = 2;
    public const int NoSuchKey = 4;
    public const int FailedToParse = 9;
    public const int TypeMismatch = 14;
    public const int InvalidLength = 16;
    public const int IllegalOperation = 20;
    public const int NamespaceNotFound = 26;
    public const int IndexNotFound = 27;
    public const int PathNotViable = 28;
    public const int ConflictingUpdateOperators = 40;
    public const int CursorNotFound = 43;
    public const int NamespaceExists = 48;
    public const int MaxTimeMSExpired = 50;
    public const int DollarPrefixedFieldName = 52;
    public const int NotSingleValueField = 54;
    public const int EmptyFieldName = 56;
    public const int CommandNotFound = 59;
    public const int ImmutableField = 66;
    public const int CannotCreateIndex = 67;
    public const int IndexAlreadyExists = 68;
    public const int InvalidOptions = 72;
    public const int InvalidNamespace = 73;
    public const int IndexOptionsConflict = 85;
    public const int IndexKeySpecsConflict = 86;
    public const int WriteConflict = 112;
    public const int DocumentValidationFailure = 121;
    public const int InvalidIdField = 53;
    public const int InvalidPipelineOperator = 168;
    public const int CommandNotSupportedOnView = 166;
    public const int OptionNotSupportedOnView = 167;
    public const int IncompatibleCollationVersion = 161;
    public const int QueryPlanKilled = 175;
    public const int AmbiguousIndexKeyPattern = 181;
    public const int NotImplemented = 238;
    public const int ConversionFailure = 241;
    public const int NoSuchTransaction = 251;
    public const int TransactionCommitted = 256;
    public const int OperationNotSupportedInTransaction = 263;
    public const int ViewDepthLimitExceeded = 274;
    public const int ChangeStreamHistoryLost = 286;
    public const int CollectionUUIDMismatch = 361;
    public const int Location15973 = 15973;
    public const int Location16020 = 16020;
    public const int Location17287 = 17287;
    public const int DuplicateKey = 11000;
    public const int Location40352 = 40352;
    public const int Location40353 = 40353;
    public const int Location31254 = 31254;
    public const int Location40324 = 40324;

    /// <summary>The IDL parser's "BSON field ... is an unknown field" (Location40415).</summary>
    public const int UnknownField = 40415;

    public static string NameOf(int code) => code switch
    {
        InternalError => "InternalError",
        BadValue => "BadValue",
        NoSuchKey => "NoSuchKey",
        FailedToParse => "FailedToParse",
        TypeMismatch => "TypeMismatch",
        InvalidLength => "InvalidLength",
        IllegalOperation => "IllegalOperation",
        NamespaceNotFound => "NamespaceNotFound",
        IndexNotFound => "IndexNotFound",
        PathNotViable => "PathNotViable",
        ConflictingUpdateOperators => "ConflictingUpdateOperators",
        CursorNotFound => "CursorNotFound",
        NamespaceExists => "NamespaceExists",
        MaxTimeMSExpired => "MaxTimeMSExpired",
        DollarPrefixedFieldName => "DollarPrefixedFieldName",
        NotSingleValueField => "NotSingleValueField",
        InvalidIdField => "InvalidIdField",
        EmptyFieldName => "EmptyFieldName",
        CommandNotFound => "CommandNotFound",
        ImmutableField => "ImmutableField",
        CannotCreateIndex => "CannotCreateIndex",
        IndexAlreadyExists => "IndexAlreadyExists",
        InvalidOptions => "InvalidOptions",
        InvalidNamespace => "InvalidNamespace",
        IndexOptionsConflict => "IndexOptionsConflict",
        IndexKeySpecsConflict => "IndexKeySpecsConflict",
        WriteConflict => "WriteConflict",
        InvalidPipelineOperator => "InvalidPipelineOperator",
        CommandNotSupportedOnView => "CommandNotSupportedOnView",
        OptionNotSupportedOnView => "OptionNotSupportedOnView",
        IncompatibleCollationVersion => "IncompatibleCollationVersion",
        QueryPlanKilled => "QueryPlanKilled",
        AmbiguousIndexKeyPattern => "AmbiguousIndexKeyPattern",
        NotImplemented => "NotImplemented",
        ConversionFailure => "ConversionFailure",
        NoSuchTransaction => "NoSuchTransaction",
        TransactionCommitted => "TransactionCommitted",
        OperationNotSupportedInTransaction => "OperationNotSupportedInTransaction",
        ViewDepthLimitExceeded => "ViewDepthLimitExceeded",
        ChangeStreamHistoryLost => "ChangeStreamHistoryLost",
        CollectionUUIDMismatch => "CollectionUUIDMismatch",
        DuplicateKey => "DuplicateKey",
        DocumentValidationFailure => "DocumentValidationFailure",
        _ => "Location" + code,
    };
}
