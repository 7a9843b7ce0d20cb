// SPDX-License-Identifier: MIT
// The scene of tst_qmlreload: Badge used three times, a sibling that is
// not made from Badge.qml, and HotQml, the QML-side switch.
import QtQuick
import QHotReload

Item {
    id: root
    width: 300
    height: 100
    property int clicks: 0

    HotQml { id: hot; objectName: "hot" }
    // The status the indicators show: QML saves go through it too.
    HotReloadStatus { id: status; objectName: "status" }

    Badge { id: b1; objectName: "b1"; x: 10 }
    Badge { id: b2; objectName: "b2"; x: 110 }
    Badge { id: b3; objectName: "b3"; x: 210 }
    DerivedBadge { id: derived; objectName: "derived"; x: 260 }
    // Made at run time by the Repeater: its own, with the old text.
    Repeater {
        model: 1
        Badge { objectName: "made" + index; x: 260; y: 60 }
    }
    Rectangle {
        id: sibling
        objectName: "sibling"
        y: 60
        width: 40
        height: 40
        color: "blue"
        property int taps: 0
    }
}
