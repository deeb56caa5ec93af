import SiftFormat
