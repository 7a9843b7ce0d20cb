// SPDX-License-Identifier: MIT
import QtQuick
import "badge.js" as Words

Rectangle {
    id: badge
    property int count: 0
    property string note: "none"
    width: 50
    height: 50
    color: "red"
    Text { id: label; objectName: "label"; text: Words.word() + " " + badge.count }
}
