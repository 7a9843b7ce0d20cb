// SPDX-License-Identifier: MIT
// A type derived from Badge: made from this file, not from Badge.qml.
import QtQuick

Badge {
    property int extra: 1
}
