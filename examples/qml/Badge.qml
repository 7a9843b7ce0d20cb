// SPDX-License-Identifier: MIT
// The counter as a badge: a component Main.qml uses. Save it while the app
// runs (HotQml in Main.qml): the badge is made again from the new text, and
// the counter, which lives in Main.qml, is untouched.
import QtQuick

Rectangle {
    id: badge

    // Where the counter lives (Main.qml's window): an object, so a badge
    // made again follows it still.
    property QtObject source
    property string label: "counter"

    implicitWidth: badgeText.implicitWidth + 16
    implicitHeight: badgeText.implicitHeight + 8
    radius: height / 2
    color: "#2e6da4"

    Text {
        id: badgeText
        objectName: "badgeText"
        anchors.centerIn: parent
        color: "white"
        font.pixelSize: 14
        text: badge.label + ": " + (badge.source ? badge.source.counter : 0)
    }
}
