// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Window
import QHotReload

Window {
    id: window

    // The hot library's file, given by main.cpp (the build's path).
    required property string libraryFile
    // Build on save, set up by main.cpp from QHOT_BUILD_INFO(qml_logic). A
    // QML-only app writes one itself: HotBuilder { target: "qml_logic";
    // buildDirectory: "…"; sources: ["…/logic.cpp"]; enabled: true }.
    property HotBuilder builder
    // The app's own state: it lives here, not in the library, so it survives every reload.
    property int counter: 0
    // Advance the counter every second (the scripted demo calls advance() itself).
    property bool ticking: true
    // The last error a call gave, shown in red until the next call works.
    property string callError

    width: 520
    height: 200
    visible: true
    title: "QHotReload: QML example"

    // Live QML: save this file or Badge.qml and only what was made from it
    // is made again, the counter kept.
    HotQml { objectName: "hotQml" }

    HotLibrary {
        id: logic
        objectName: "logic"
        fileName: window.libraryFile
    }

    // Called again at each reload, and when the counter changes.
    HotCall {
        id: greeting
        objectName: "greeting"
        library: logic
        name: "logic::greeting"
        arguments: [window.counter]
    }

    // step() through call(): a call that cannot be made throws; the counter stays.
    function advance() {
        try {
            counter = logic.call("logic::step", [counter])
            callError = ""
        } catch (error) {
            callError = error.message
        }
        return counter
    }

    Timer {
        interval: 1000
        repeat: true
        running: window.ticking && logic.loaded
        onTriggered: window.advance()
    }

    Column {
        anchors.fill: parent
        anchors.margins: 16
        spacing: 8

        Text {
            objectName: "greetingText"
            width: parent.width
            wrapMode: Text.Wrap
            font.pixelSize: 18
            text: greeting.ok ? greeting.value : greeting.errorString
        }
        Badge {
            objectName: "counterBadge"
            source: window
        }
        Text {
            objectName: "errorText"
            width: parent.width
            wrapMode: Text.Wrap
            color: "firebrick"
            text: window.callError
        }
    }

    HotReloadIndicator {
        objectName: "indicator"
        library: logic
        builder: window.builder
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 8
    }
}
