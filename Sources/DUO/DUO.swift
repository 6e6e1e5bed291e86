public enum DUOInterface {}
